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
          "Gotland", "Crete", "Sicily", "Ramstein", "Aviano", "Incirlik", "Klaipeda", "Kaunas",
          "Daugavpils", "Narva", "Parnu", "Gdansk", "Krakow", "Lublin", "Bialystok", "Poznan",
          "Cluj-Napoca", "Iasi", "Varna", "Burgas", "Plovdiv", "Kosice", "Presov", "Debrecen",
          "Bergen", "Tromso", "Bodo", "Rovaniemi", "Oulu", "Turku", "Lulea", "Visby", "Aalborg",
          "Hamburg", "Munich", "Grafenwoehr", "Naples", "Rota", "Souda Bay", "Thessaloniki",
          "Izmir", "Moldova", "Chisinau", "Odesa", "Lviv", "Kharkiv", "Minsk", "Pskov"]
OWNERS = [("Britain", "British"), ("France", "French"), ("Germany", "German"), ("Spain", "Spanish"),
          ("the United States", "American"), ("Canada", "Canadian"), ("the Netherlands", "Dutch"),
          ("Italy", "Italian"), ("Norway", "Norwegian"), ("Denmark", "Danish"), ("Poland", "Polish"),
          ("Sweden", "Swedish"), ("Finland", "Finnish"), ("Portugal", "Portuguese")]
UNITS = ["troops", "soldiers", "fighter jets", "F-35 fighter jets", "destroyers", "frigates", "tanks",
         "Patriot batteries", "HIMARS launchers", "howitzers", "warships", "paratroopers",
         "marines", "submarines", "Eurofighter jets", "air defence systems", "drones"]
NUMBERS = ["two", "three", "four", "six", "a dozen", "200", "1,500", "3,000", "5,000", "hundreds of"]
VERBS = ["will send", "is sending", "has deployed", "plans to deploy", "announced it would station",
         "has stationed", "is considering sending", "agreed to move"]
# Context sentences, most naming a place but no force: news about
# deployments is mostly politics, history and reactions around a few
# sentences that report forces.
FILLER = ["Officials said the move was agreed at a meeting of defence ministers on {day}.",
          "The ministry did not say how long the deployment would last.",
          "Analysts said the step was meant to reassure allies on the eastern flank.",
          "The announcement came after weeks of talks in {city}.",
          "Local officials welcomed the decision, according to a statement.",
          "The exercise is expected to end in {month}.",
          "The foreign minister of {place} told reporters the region had never been so tense.",
          "Residents of {place} said they had grown used to the sound of aircraft overhead.",
          "Trade between {place} and its neighbours has fallen sharply since last year.",
          "The mayor of {place} asked the government for money to repair roads and bridges.",
          "A spokesman in {city} declined to comment on the reports.",
          "Opposition leaders in {place} criticised the cost of the plan.",
          "The talks in {city} ended without a joint statement on {day}.",
          "Energy prices in {place} have risen by a third since the winter.",
          "The government in {place} said it would raise defence spending next year.",
          "Observers noted that the border crossing near {place} has been closed since {month}.",
          "Polls show most voters in {place} support closer ties with the alliance.",
          "The president is due to visit {place} in {month}.",
          "Historians point out that {place} changed hands several times in the last century.",
          "A new railway line linking {place} with the capital is due to open in {month}.",
          "Several ministers flew to {city} for the summit.",
          "Diplomats in {city} said the decision had been expected for some time.",
          "The parliament of {place} will debate the budget on {day}.",
          "Journalists were not allowed to visit the site near {place}."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October"]
CITIES = ["Brussels", "Vilnius", "Madrid", "The Hague", "Warsaw", "Oslo", "Berlin", "Paris", "Rome",
          "Helsinki", "Stockholm", "Copenhagen", "Bucharest", "Sofia", "Athens", "Ankara", "Lisbon"]


def article(rng, i):
    owner, adj = rng.choice(OWNERS)
    place = rng.choice(PLACES)
    unit = rng.choice(UNITS)
    title = f"{owner[0].upper() + owner[1:]} to boost presence in {place}"
    lines = [title, f"{rng.randint(1, 28)} {rng.choice(MONTHS)} 202{rng.randint(2, 5)}"]
    body = [f"{owner[0].upper() + owner[1:]} {rng.choice(VERBS)} {rng.choice(NUMBERS)} {unit} to {place}, "
            f"the defence ministry said on {rng.choice(DAYS)}."]
    # An article comes back to a handful of places.
    story = [place] + rng.sample(PLACES, rng.randint(3, 8))
    # News articles run to 400-1,000 words: 30 to 70 sentences, about one
    # in six reporting a force (the seed articles' rate: two forces per KB).
    for _ in range(rng.randint(30, 70)):
        if rng.random() < 0.15:
            body.append(f"{adj} {rng.choice(UNITS)} are already stationed in {rng.choice(story)}.")
        else:
            body.append(rng.choice(FILLER).format(day=rng.choice(DAYS), city=rng.choice(CITIES),
                                                  month=rng.choice(MONTHS), place=rng.choice(story)))
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
