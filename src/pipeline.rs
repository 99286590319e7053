//! An ordered parallel pipeline for the streaming commands (`tag --jsonl`,
//! `extract --jsonl`): one thread reads batches of input, every core works
//! on their items, taking a few at a time from a shared queue, and the
//! calling thread writes each result as soon as it and all before it are
//! done, in input order.
//!
//! No core waits at the end of a batch for the slowest item of it (the
//! next batch is already queued), and reading and writing overlap the work
//! instead of taking turns with it. Memory stays bounded: at most
//! `IN_FLIGHT` batches are read and not yet written.

use std::collections::{BTreeMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

/// Batches read and not yet written, at most: one being written, one being
/// worked on and one read ahead.
pub const IN_FLIGHT: usize = 3;

/// Items a worker takes at a time: few enough that the cores finish a
/// batch together, enough that handing them over costs nothing measurable
/// (a wake-up per unit, not per item).
const UNIT: usize = 16;

/// What the reader and the workers tell the writer.
enum Done<R, E> {
    /// A batch was read; its items are numbered up to (not including) this.
    Batch(usize),
    /// The results of the items numbered from this on.
    Items(usize, Vec<R>),
    /// The input ended after this many items, with this read error if it
    /// ended on one.
    End(usize, Option<E>),
    /// `read` or `work` panicked; the panic goes on in the calling thread.
    Panicked(Box<dyn std::any::Any + Send>),
}

/// Runs `work` over every item of the batches `read` returns (it may block
/// until input arrives; an empty batch ends the input) on
/// `rayon::current_num_threads()` threads, and calls `write` with the
/// results in input order, each as soon as it and all before it are done.
/// An error from `write` stops the run; one from `read` stops the reading,
/// and is returned once everything read before it is written.
pub fn run<I: Send, R: Send, E: Send>(
    mut read: impl FnMut() -> Result<Vec<I>, E> + Send,
    work: impl Fn(I) -> R + Sync,
    mut write: impl FnMut(Vec<R>) -> Result<(), E>,
) -> Result<(), E> {
    let workers = rayon::current_num_threads().max(1);
    std::thread::scope(|s| {
        // A token per batch that may be in flight: the reader takes one
        // before reading a batch, the writer gives it back once the batch
        // is written.
        let (give, take) = sync_channel::<()>(IN_FLIGHT);
        for _ in 0..IN_FLIGHT {
            let _ = give.send(());
        }
        let (to_work, items) = channel::<(usize, Vec<I>)>();
        let items = Arc::new(Mutex::new(items));
        let (done, results) = channel::<Done<R, E>>();
        for _ in 0..workers {
            let (items, done, work) = (Arc::clone(&items), done.clone(), &work);
            s.spawn(move || worker(&items, &done, work));
        }
        drop(items);
        let reader_done = done.clone();
        drop(done);
        s.spawn(move || {
            let mut n = 0;
            let error = loop {
                if take.recv().is_err() {
                    return; // The writer stopped.
                }
                let batch = match catch_unwind(AssertUnwindSafe(&mut read)) {
                    Ok(Ok(batch)) if batch.is_empty() => break None,
                    Ok(Ok(batch)) => batch,
                    Ok(Err(e)) => break Some(e),
                    Err(payload) => {
                        let _ = reader_done.send(Done::Panicked(payload));
                        return;
                    }
                };
                let _ = reader_done.send(Done::Batch(n + batch.len()));
                let mut batch = batch.into_iter().peekable();
                while batch.peek().is_some() {
                    let unit: Vec<I> = batch.by_ref().take(UNIT).collect();
                    let len = unit.len();
                    let _ = to_work.send((n, unit));
                    n += len;
                }
            };
            let _ = reader_done.send(Done::End(n, error));
        });
        let outcome = write_in_order(&results, &give, &mut write);
        // Whatever the outcome, the other threads see the writer gone: the
        // reader at its next batch, the workers at their next result.
        drop(results);
        drop(give);
        match outcome {
            Outcome::Finished(result) => result,
            Outcome::Panicked(payload) => resume_unwind(payload),
        }
    })
}

fn worker<I, R, E>(
    items: &Mutex<Receiver<(usize, Vec<I>)>>,
    done: &Sender<Done<R, E>>,
    work: impl Fn(I) -> R,
) {
    loop {
        // One worker at a time waits at the queue, holding the lock; it is
        // let go before the work.
        let next = match items.lock() {
            Ok(items) => items.recv(),
            Err(_) => return,
        };
        let Ok((n, unit)) = next else {
            return; // No more input.
        };
        let message = match catch_unwind(AssertUnwindSafe(|| unit.into_iter().map(&work).collect()))
        {
            Ok(results) => Done::Items(n, results),
            Err(payload) => Done::Panicked(payload),
        };
        if done.send(message).is_err() {
            return; // The writer stopped.
        }
    }
}

/// The next batch of input lines, each numbered (from 1, counted in `n`)
/// and as read, newline included: at most `max_lines` lines or about
/// `max_bytes` bytes. It waits for its first line, then takes only the
/// lines already read in, so a writer that sends one line and waits gets
/// its answer. Empty at the end of the input.
///
/// Lines stay bytes here: checking that they are UTF-8 is the workers'
/// part of the work, not the one reading thread's.
pub fn read_lines<R: std::io::Read>(
    input: &mut std::io::BufReader<R>,
    n: &mut usize,
    max_lines: usize,
    max_bytes: usize,
) -> std::io::Result<Vec<(usize, Vec<u8>)>> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < max_lines
        && bytes < max_bytes
        && (batch.is_empty() || !input.buffer().is_empty())
    {
        let line = read_line(input)?;
        if line.is_empty() {
            break;
        }
        *n += 1;
        bytes += line.len();
        batch.push((*n, line));
    }
    Ok(batch)
}

/// The next line of `input` with its newline (if it has one), empty at
/// the end: `BufRead::read_until` with the memchr crate's search, which
/// takes 32 bytes a step where the standard library's takes 16.
fn read_line<R: std::io::Read>(input: &mut std::io::BufReader<R>) -> std::io::Result<Vec<u8>> {
    use std::io::BufRead;
    let mut line = Vec::new();
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(line);
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                line.extend_from_slice(&buf[..=i]);
                input.consume(i + 1);
                return Ok(line);
            }
            None => {
                let n = buf.len();
                line.extend_from_slice(buf);
                input.consume(n);
            }
        }
    }
}

enum Outcome<E> {
    Finished(Result<(), E>),
    Panicked(Box<dyn std::any::Any + Send>),
}

/// The writer's side of `run`: results in order, tokens given back.
fn write_in_order<R, E>(
    results: &Receiver<Done<R, E>>,
    give: &SyncSender<()>,
    write: &mut impl FnMut(Vec<R>) -> Result<(), E>,
) -> Outcome<E> {
    let mut next = 0;
    let mut ready: BTreeMap<usize, Vec<R>> = BTreeMap::new();
    let mut batch_ends: VecDeque<usize> = VecDeque::new();
    let mut end: Option<(usize, Option<E>)> = None;
    loop {
        if end.as_ref().is_some_and(|(n, _)| *n == next) {
            let error = end.and_then(|(_, e)| e);
            return Outcome::Finished(error.map_or(Ok(()), Err));
        }
        // Every sender gone before the end (a thread ended without a word,
        // which only an abort could do): nothing more will come.
        let Ok(message) = results.recv() else {
            return Outcome::Finished(Ok(()));
        };
        match message {
            Done::Batch(end) => batch_ends.push_back(end),
            Done::End(n, error) => end = Some((n, error)),
            Done::Panicked(payload) => return Outcome::Panicked(payload),
            Done::Items(n, results) => {
                ready.insert(n, results);
                let mut out = Vec::new();
                while let Some(results) = ready.remove(&next) {
                    next += results.len();
                    out.extend(results);
                }
                if out.is_empty() {
                    continue;
                }
                if let Err(e) = write(out) {
                    return Outcome::Finished(Err(e));
                }
                while batch_ends.front().is_some_and(|&e| e <= next) {
                    batch_ends.pop_front();
                    let _ = give.send(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    proptest::proptest! {
        #[test]
        fn lines_are_read_as_read_until_reads_them(
            text in proptest::collection::vec(proptest::sample::select(b"ab\n\r\xC3".to_vec()), 0..200),
            capacity in 1usize..40,
        ) {
            let mut ours = std::io::BufReader::with_capacity(capacity, &text[..]);
            let mut std_lines = std::io::BufReader::with_capacity(capacity, &text[..]);
            loop {
                let line = read_line(&mut ours).unwrap();
                let mut want = Vec::new();
                std::io::BufRead::read_until(&mut std_lines, b'\n', &mut want).unwrap();
                proptest::prop_assert_eq!(&line, &want);
                if line.is_empty() {
                    break;
                }
            }
        }
    }

    #[test]
    fn results_come_in_input_order_however_long_each_takes() {
        let mut batches = (0..20u64)
            .collect::<Vec<_>>()
            .chunks(3)
            .map(<[u64]>::to_vec)
            .collect::<Vec<_>>()
            .into_iter();
        let mut written = Vec::new();
        let result: Result<(), ()> = run(
            || Ok(batches.next().unwrap_or_default()),
            |x| {
                // Early items take longest, so later ones finish first.
                std::thread::sleep(Duration::from_millis(20 - x));
                x * 10
            },
            |results| {
                written.extend(results);
                Ok(())
            },
        );
        assert!(result.is_ok());
        assert_eq!(written, (0..20).map(|x| x * 10).collect::<Vec<_>>());
    }

    #[test]
    fn each_answer_is_written_before_the_next_input_arrives() {
        // An interactive client: it sends one item and waits for its answer
        // before sending the next. A pipeline that wanted more input before
        // writing would leave it waiting (here: an error after 10 s).
        let (answers, answered) = channel::<u32>();
        let mut sent = 0;
        let mut written = Vec::new();
        let result: Result<(), &str> = run(
            move || {
                if sent > 0 {
                    answered
                        .recv_timeout(Duration::from_secs(10))
                        .map_err(|_| "no answer to the last item")?;
                }
                sent += 1;
                Ok(if sent <= 5 { vec![sent] } else { vec![] })
            },
            |x| x * 10,
            |results| {
                for r in results {
                    written.push(r);
                    let _ = answers.send(r);
                }
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(written, [10, 20, 30, 40, 50]);
    }

    #[test]
    fn a_read_error_comes_after_everything_read_before_it() {
        let mut calls = 0;
        let mut written = Vec::new();
        let result = run(
            || {
                calls += 1;
                if calls == 1 {
                    Ok(vec![1, 2])
                } else {
                    Err("disk on fire")
                }
            },
            |x| x,
            |r| {
                written.extend(r);
                Ok(())
            },
        );
        assert_eq!((result, written), (Err("disk on fire"), vec![1, 2]));
    }

    #[test]
    fn a_write_error_stops_the_run() {
        // Endless input: only the writer's error can end this run.
        let result = run(|| Ok(vec![1, 2, 3]), |x| x, |_| Err("pipe closed"));
        assert_eq!(result, Err("pipe closed"));
    }

    #[test]
    #[should_panic(expected = "bad read")]
    fn a_panic_in_read_reaches_the_caller() {
        let mut calls = 0;
        let _ = run(
            || -> Result<Vec<u32>, ()> {
                calls += 1;
                assert!(calls < 3, "bad read");
                Ok(vec![1, 2])
            },
            |x| x,
            |_| Ok(()),
        );
    }

    #[test]
    #[should_panic(expected = "bad item")]
    fn a_panic_in_work_reaches_the_caller() {
        let mut left = 3;
        let _ = run(
            || -> Result<Vec<u32>, ()> {
                left -= 1;
                Ok(if left > 0 { vec![1, 2] } else { vec![] })
            },
            |x| {
                assert!(x != 2, "bad item");
                x
            },
            |_| Ok(()),
        );
    }
}
