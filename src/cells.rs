//! A value per index, each set once, for tables over every place of the
//! gazetteer (decoded places, `tag`'s written place parts) that a run fills
//! only where it looks: the cells come in blocks made when one of the
//! block is first asked for, so a run over a few texts does not set up a
//! cell for each of a hundred thousand places (1.9 MB of fresh pages).

use std::sync::OnceLock;

/// Cells a block holds.
pub const BLOCK: usize = 1024;

pub struct Cells<T> {
    blocks: Vec<OnceLock<Box<[OnceLock<T>]>>>,
    len: usize,
}

impl<T> Cells<T> {
    /// `len` cells, none made yet.
    pub fn new(len: usize) -> Cells<T> {
        Cells {
            blocks: std::iter::repeat_with(OnceLock::new)
                .take(len.div_ceil(BLOCK))
                .collect(),
            len,
        }
    }

    /// Cell `i`, its block made if need be; None past the end.
    pub fn cell(&self, i: usize) -> Option<&OnceLock<T>> {
        if i >= self.len {
            return None;
        }
        let block = self.blocks[i / BLOCK]
            .get_or_init(|| std::iter::repeat_with(OnceLock::new).take(BLOCK).collect());
        block.get(i % BLOCK)
    }

    /// What cell `i` holds, without making its block.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.blocks.get(i / BLOCK)?.get()?.get(i % BLOCK)?.get()
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, Cells};

    #[test]
    fn a_cell_is_set_once_and_read_without_making_its_block() {
        let cells: Cells<usize> = Cells::new(2 * BLOCK + 1);
        assert_eq!(cells.get(BLOCK + 3), None);
        assert_eq!(cells.cell(BLOCK + 3).unwrap().get_or_init(|| 7), &7);
        assert_eq!(cells.cell(BLOCK + 3).unwrap().get_or_init(|| 8), &7);
        assert_eq!(cells.get(BLOCK + 3), Some(&7));
        // Other cells of the block are made and empty; other blocks are not made.
        assert_eq!(cells.get(BLOCK), None);
        assert!(cells.blocks[0].get().is_none() && cells.blocks[2].get().is_none());
        assert!(cells.cell(2 * BLOCK).is_some());
        assert!(cells.cell(2 * BLOCK + 1).is_none() && cells.get(2 * BLOCK + 1).is_none());
    }
}
