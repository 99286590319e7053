#!/usr/bin/env python3
"""Write N real-looking news articles about deployments into a folder.

The sentences are built from templates and lists written for this
generator (not taken from the seeds or the corpora), with a fixed seed so
every run writes the same files.

usage: generate_articles.py N OUT_DIR [--seed S] [--start K]
"""
import os
import random
import sys

PLACES = ["Estonia", "Latvia", "Lithuania", "Poland", "Romania", "Bulgaria", "Slovakia", "Hungary",
          "Norway", "Finland", "Sweden", "Denmark", "Germany", "Italy", "Greece", "Turkey",
          "Vilnius", "Riga", "Tallinn", "Warsaw", "Bucharest", "Constanta", "Rzeszow", "Tapa",
          "the Baltic Sea", "the Black Sea", "the North Sea", "Kaliningrad", "the Suwalki Gap",
          "Gotland", "Crete", "Sicily", "Ramstein", "Aviano", "Incirlik"]
OWNERS = [("Britain", "British"), ("France", "French"), ("Germany", "German"), ("Spain", "Spanish"),
          ("the United States", "American"), ("Canada", "Canadian"), ("the Netherlands", "Dutch"),
          ("Italy", "Italian"), ("Norway", "Norwegian"), ("Denmark", "Danish")]
UNITS = ["troops", "soldiers", "fighter jets", "F-35 fighter jets", "destroyers", "frigates", "tanks",
         "Patriot batteries", "HIMARS launchers", "howitzers", "warships", "paratroopers"]
NUMBERS = ["two", "three", "four", "six", "a dozen", "200", "1,500", "3,000", "5,000", "hundreds of"]
VERBS = ["will send", "is sending", "has deployed", "plans to deploy", "announced it would station",
         "has stationed", "is considering sending", "agreed to move"]
FILLER = ["Officials said the move was agreed at a meeting of defence ministers on {day}.",
          "The ministry did not say how long the deployment would last.",
          "Analysts said the step was meant to reassure allies on the eastern flank.",
          "The announcement came after weeks of talks in {city}.",
          "Local officials welcomed the decision, according to a statement.",
          "The exercise is expected to end in {month}."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October"]
CITIES = ["Brussels", "Vilnius", "Madrid", "The Hague", "Warsaw", "Oslo", "Berlin"]


def article(rng, i):
    owner, adj = rng.choice(OWNERS)
    place = rng.choice(PLACES)
    unit = rng.choice(UNITS)
    title = f"{owner[0].upper() + owner[1:]} to boost presence in {place}"
    lines = [title, f"{rng.randint(1, 28)} {rng.choice(MONTHS)} 202{rng.randint(2, 5)}"]
    body = [f"{owner[0].upper() + owner[1:]} {rng.choice(VERBS)} {rng.choice(NUMBERS)} {unit} to {place}, "
            f"the defence ministry said on {rng.choice(DAYS)}."]
    # News articles run to 400-900 words: 20 to 45 sentences.
    for _ in range(rng.randint(20, 45)):
        if rng.random() < 0.4:
            body.append(f"{adj} {rng.choice(UNITS)} are already stationed in {rng.choice(PLACES)}.")
        else:
            body.append(rng.choice(FILLER).format(day=rng.choice(DAYS), city=rng.choice(CITIES),
                                                  month=rng.choice(MONTHS)))
    lines.append(" ".join(body))
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    start = int(sys.argv[sys.argv.index("--start") + 1]) if "--start" in sys.argv else 0
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(start, start + n):
        with open(os.path.join(out, f"gen_{i:06d}.txt"), "w", encoding="utf-8") as fh:
            fh.write(article(rng, i))


if __name__ == "__main__":
    main()
