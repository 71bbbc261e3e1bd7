#!/usr/bin/env python3
"""Packs a study folder into one fuzz input for fuzz-whole (issue 14): study.yaml first, then
each other file of the folder as a section `#### <name>`. Usage: pack_study.py FOLDER OUT"""
import os, sys
folder, out = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(folder) if n != "study.yaml" and not n.endswith(".py"))
with open(out, "wb") as f:
    f.write(open(os.path.join(folder, "study.yaml"), "rb").read())
    for n in names:
        f.write(b"\n#### " + n.encode() + b"\n")
        f.write(open(os.path.join(folder, n), "rb").read())
