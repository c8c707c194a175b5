#!/usr/bin/env python3
"""Derives the bad-input corpus from the real samples in data-samples/.

Each variant is a folder holding broken copies of real files at the paths they have under the
inputs folder; cases.csv says what the pipeline must do with each case of it. The quarantined
cases share one variant (each breaks a different line, of one of three files), so that the test
runs the pipeline once for them. Run from this folder:
    python3 make_corpus.py
"""
import csv
import os
import shutil

SAMPLES = os.path.join("..", "..", "..", "..", "..", "data-samples")
REGISTRATION = "mexico/inegi/homicides_registration_year/2010.csv"
METRO_ZONES = "mexico/geography/ZM_2015.csv"
# An extra column is tried on a file no later table reads, so the case rebuilds one table only.
LAB_DENSITY = "mexico/trafficking/drug_lab_density_grid.csv"
POPULATION = "mexico/conapo/municipio-population2010-2030.csv"
CATALOGUE_2020 = "mexico/geography/df_mxmunicipio_2020.csv"
PORTS = "mexico/trafficking/us_mexico_ports_of_entry.csv"
# Azcapotzalco (09002) in 2012: after the small run's years, so that the population it
# interpolates (2007-2009 lie between CONAPO's 2006 and 2010) stays the same.
AZCAPOTZALCO_2012 = b"413131,9002,Total,2012\n"
COYOACAN_2012 = b"620885,9003,Total,2012\n"


def read(path):
    with open(os.path.join(SAMPLES, path), "rb") as f:
        return f.read()


def write(case, path, data):
    target = os.path.join(case, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(data)


def replace_once(data, old, new):
    assert data.count(old) >= 1, old
    return data.replace(old, new, 1)


registration = read(REGISTRATION)
text = registration.decode("latin-1")
lines = text.split("\n")
guadalajara = next(l for l in lines if l.startswith('" 14 039 "'))
metro = read(METRO_ZONES)
metro_lines = metro.decode("latin-1").split("\n")
population = read(POPULATION)
catalogue = read(CATALOGUE_2020).decode("utf-8").split("\n")
ports = read(PORTS)
lab_lines = read(LAB_DENSITY).decode("utf-8").split("\r\n")  # this file ends lines with CRLF

if os.path.isdir("cases"):
    shutil.rmtree("cases")
os.chdir(os.makedirs("cases") or "cases")
write("truncated", REGISTRATION, registration[: len(registration) * 2 // 3])
write("wrong_encoding", REGISTRATION, text.encode("utf-8"))
write("empty_file", REGISTRATION, b"")
# missing_file has no folder: the case is the absence of the file (see cases.csv)
# The quarantined cases share the variant "quarantines", each breaking a line of its own: four of
# a 2010 registration line, on four different municipalities' lines, each refused with its own
# reason; two of CONAPO's population; one of the 2020 catalogue. The test runs the pipeline once
# for all of them.
zapopan = next(l for l in lines if l.startswith('" 14 120 "'))
monterrey = next(l for l in lines if l.startswith('" 19 039 "'))


def with_count(line, count):
    cells = line.split('","')
    return '","'.join(cells[:2] + [count(cells[2])] + cells[3:])


broken = {
    guadalajara: guadalajara + "\n" + guadalajara,  # duplicated_rows
    zapopan: with_count(zapopan, lambda total: "-" + total),  # negative_count
    monterrey: with_count(monterrey, lambda total: "n/d"),  # non_numeric_count
}
write("quarantines", REGISTRATION, replace_once(
    "\n".join(broken.get(l, l) for l in lines).encode("latin-1"),
    b'" 21 114 "', b'" 21 950 "'))  # unknown_municipality_code: Puebla's code changed
write("header_changed", METRO_ZONES, replace_once(metro, b"CVE_MUN", b"CLAVE_MUNICIPIO"))
header = metro_lines[0].split(",")
drop = header.index("NOM_ZM")
write("column_missing", METRO_ZONES, "\n".join(
    ",".join(c for i, c in enumerate(l.split(",")) if i != drop) if l else l
    for l in metro_lines).encode("latin-1"))
write("extra_column", LAB_DENSITY, "\r\n".join(
    (l + (",note" if i == 0 else ",") if l else l) for i, l in enumerate(lab_lines))
    .encode("utf-8"))
# The population quarantines, on two municipalities' 2012 lines: Azcapotzalco's given twice with
# different values (population_conflicting_duplicate), Coyoacan's negative (population_negative).
write("quarantines", POPULATION, replace_once(replace_once(
    population, AZCAPOTZALCO_2012, AZCAPOTZALCO_2012 + b"400000,9002,Total,2012\n"),
    COYOACAN_2012, b"-" + COYOACAN_2012))
write("quarantines", CATALOGUE_2020,
      "\n".join(catalogue[:2] + catalogue[1:]).encode("utf-8"))
write("header_only", PORTS, ports.split(b"\n")[0] + b"\n")

