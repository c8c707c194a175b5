#!/usr/bin/env python3
"""Derives the bad-input corpus from the real samples in data-samples/.

Each case is a folder holding one broken variant of a real file at the path it has under the
inputs folder; cases.csv says what the pipeline must do with it. Run from this folder:
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
write("duplicated_rows", REGISTRATION,
      "\n".join(l if l != guadalajara else l + "\n" + l for l in lines).encode("latin-1"))
cells = guadalajara.split('","')
write("negative_count", REGISTRATION, replace_once(
    registration, guadalajara.encode("latin-1"),
    '","'.join(cells[:2] + ['-' + cells[2]] + cells[3:]).encode("latin-1")))
write("non_numeric_count", REGISTRATION, replace_once(
    registration, guadalajara.encode("latin-1"),
    '","'.join(cells[:2] + ["n/d"] + cells[3:]).encode("latin-1")))
write("unknown_municipality_code", REGISTRATION, replace_once(
    registration, b'" 14 039 "', b'" 14 950 "'))
write("header_changed", METRO_ZONES, replace_once(metro, b"CVE_MUN", b"CLAVE_MUNICIPIO"))
header = metro_lines[0].split(",")
drop = header.index("NOM_ZM")
write("column_missing", METRO_ZONES, "\n".join(
    ",".join(c for i, c in enumerate(l.split(",")) if i != drop) if l else l
    for l in metro_lines).encode("latin-1"))
write("extra_column", LAB_DENSITY, "\r\n".join(
    (l + (",note" if i == 0 else ",") if l else l) for i, l in enumerate(lab_lines))
    .encode("utf-8"))
write("population_conflicting_duplicate", POPULATION, replace_once(
    population, AZCAPOTZALCO_2012, AZCAPOTZALCO_2012 + b"400000,9002,Total,2012\n"))
write("population_negative", POPULATION, replace_once(
    population, AZCAPOTZALCO_2012, b"-" + AZCAPOTZALCO_2012))
write("catalogue_duplicate_code", CATALOGUE_2020,
      "\n".join(catalogue[:2] + catalogue[1:]).encode("utf-8"))
write("header_only", PORTS, ports.split(b"\n")[0] + b"\n")

