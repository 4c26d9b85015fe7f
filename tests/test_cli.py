#!/usr/bin/python3
"""CLI tests of `formdig check` (and the command line itself).

    test_cli.py FORMDIG SOURCE_DIR SHARED_DIR

- the seed document (SHARED_DIR/seed/seed-forms.json): exit 0, three
  verdicts ok, totals 96/100/97, every error check passes, INDICATOR_UNDER
  fails exactly for form 0 indicators 1, 2 and form 2 indicators 0, 2, every
  other field kept as it was, and the output validates against
  models/contract.schema.json (tools/validate_json.py);
- tests/data/mutations/<CODE>.json: exactly CODE newly fails (exit 1; 0 for
  INDICATOR_UNDER, whose severity is info and leaves the verdict ok);
- tests/data/bad_json/*: exit 2 with "formdig: FILE: <message>" naming the
  problem (expected.tsv), nothing on stdout, no crash;
- stdin, -o (atomic), JSON Lines, options, exit codes, model errors.

Prints "test_cli: N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

TALLY = Tally("test_cli")
check = TALLY.check


def run(args, stdin=None, env=None, timeout=120):
    r = subprocess.run([FORMDIG] + args, input=stdin, capture_output=True, env=env, timeout=timeout)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def failing(doc):
    """{(form index, code, path)} of the checks with ok == false."""
    return {(i, c["code"], c["path"]) for i, f in enumerate(doc["forms"])
            for c in f["checks"] if c["ok"] is False}


def validate(path_or_text, name):
    """Runs tools/validate_json.py on a file or text; True when valid."""
    script = os.path.join(SRC, "tools", "validate_json.py")
    schema = os.path.join(SRC, "models", "contract.schema.json")
    if isinstance(path_or_text, bytes):
        r = subprocess.run([sys.executable, script, schema, "-"], input=path_or_text, capture_output=True)
    else:
        r = subprocess.run([sys.executable, script, schema, path_or_text], capture_output=True)
    if r.returncode != 0:
        print("validate_json on %s:\n%s%s" % (name, r.stdout.decode(), r.stderr.decode()))
    return r.returncode == 0


def strip_scoring(doc):
    d = json.loads(json.dumps(doc))
    for f in d["forms"]:
        f.pop("checks", None)
        f.pop("verdict", None)
    return d


def test_options():
    rc, out, err = run(["--help"])
    check(rc == 0 and b"Usage: formdig" in out and b"check" in out, "--help: exit 0 and usage on stdout")
    rc, out, err = run(["--version"])
    check(rc == 0 and out.startswith(b"formdig "), "--version")
    rc, out, err = run([])
    check(rc == 2 and err.startswith("formdig: "), "no arguments: exit 2 with a message")
    rc, out, err = run(["--no-such-option"])
    check(rc == 2 and "unknown option" in err, "unknown option: exit 2")
    rc, out, err = run(["check"])
    check(rc == 2 and "check takes exactly one" in err, "check without a file: exit 2")
    rc, out, err = run(["check", SEED, SEED])
    check(rc == 2, "check with two files: exit 2")
    rc, out, err = run(["--models"])
    check(rc == 2 and "needs a value" in err, "--models without a value: exit 2")
    rc, out, err = run(["check", "/nonexistent/x.json"])
    check(rc == 2 and err.startswith("formdig: /nonexistent/x.json: "), "check of a missing file: exit 2, named")
    rc, out, err = run(["-v", "check", SEED])
    check(rc == 0 and "formdig: info: checked 3 forms" in err, "-v: info messages on stderr (%r)" % err)
    rc, out, err = run(["check", "--quiet", SEED])
    check(rc == 0 and err == "", "-q: nothing on stderr")
    rc, out, err = run(["/nonexistent/scan.png"])
    check(rc == 2 and err.startswith("formdig: /nonexistent/scan.png: ") and out == b"",
          "scan that cannot be read: exit 2, 'formdig: FILE: message'")


def test_seed():
    with open(SEED, "rb") as f:
        seed_bytes = f.read()
    seed = json.loads(seed_bytes)
    rc, out, err = run(["check", SEED])
    check(rc == 0, "seed: exit 0 (got %d, stderr %r)" % (rc, err))
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, "seed: output is JSON (%s)" % e)
        return None
    check(len(doc["forms"]) == 3, "seed: three forms")
    check([f.get("verdict") for f in doc["forms"]] == ["ok", "ok", "ok"],
          "seed: three verdicts ok (got %r)" % [f.get("verdict") for f in doc["forms"]])
    check([f["total"]["score"] for f in doc["forms"]] == [96, 100, 97], "seed: totals 96/100/97")
    codes = ["FUNDS_RATE", "FUNDS_SCORE", "FUNDS_PARTS", "SCORE_RANGE", "WEIGHT_SUM", "SCORE_SUM",
             "TOTAL_WEIGHT", "INDICATOR_OVER", "INDICATOR_UNDER", "REASON_MISSING"]
    for i, f in enumerate(doc["forms"]):
        seen = {c["code"] for c in f["checks"]}
        check(seen == set(codes), "seed form %d: all ten check codes run (missing %r)" % (i, set(codes) - seen))
        bad = [c for c in f["checks"] if c["severity"] == "error" and c["ok"] is False]
        check(not bad, "seed form %d: every error check passes (%r)" % (i, bad))
        for c in f["checks"]:
            check(list(c.keys()) == ["code", "severity", "ok", "path", "stated", "recomputed",
                                     "ocr_suspect", "message"], "check fields in contract order")
            break
    # Form 2 prints no 总分分值: the checks needing it report null, not a failure.
    for c in doc["forms"][1]["checks"]:
        if c["code"] in ("TOTAL_WEIGHT",):
            check(c["ok"] is None, "seed form 1: TOTAL_WEIGHT ok null (total.weight null)")
    under = {(i, c["path"]) for i, f in enumerate(doc["forms"]) for c in f["checks"]
             if c["code"] == "INDICATOR_UNDER" and c["ok"] is False}
    check(under == {(0, "/indicators/1/score"), (0, "/indicators/2/score"),
                    (2, "/indicators/0/score"), (2, "/indicators/2/score")},
          "seed: INDICATOR_UNDER fails exactly for form 0 ind 1, 2 and form 2 ind 0, 2 (got %r)" % sorted(under))
    others = failing(doc) - {(i, "INDICATOR_UNDER", p) for i, p in under}
    check(not others, "seed: nothing else fails (got %r)" % sorted(others))
    check(strip_scoring(doc) == seed, "seed: every field other than checks/verdict kept")
    # Field order kept, verdict and checks after total.
    check(list(doc["forms"][0].keys())[-3:] == ["total", "verdict", "checks"], "seed: verdict, checks after total")
    check(list(doc.keys()) == list(seed.keys()), "seed: top-level field order kept")
    check(b"11999665.86" in out and b"11134477.99" in out, "seed: amounts printed as in the input")
    check(validate(out, "check output of the seed"), "seed: output validates against the schema")
    check(validate(SEED, "the seed"), "seed itself validates against the schema")

    # Standard input gives the same output.
    rc2, out2, err2 = run(["check", "-"], stdin=seed_bytes)
    check(rc2 == 0 and out2 == out, "seed from stdin: same output")

    # -o writes the same bytes, atomically (no temporary file left behind).
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "out.json")
        rc3, out3, err3 = run(["check", "-o", target, SEED])
        check(rc3 == 0 and out3 == b"", "-o: exit 0, nothing on stdout")
        with open(target, "rb") as f:
            check(f.read() == out, "-o: file holds the output")
        check(sorted(os.listdir(tmp)) == ["out.json"], "-o: no temporary file left")
        rc4, _, err4 = run(["check", "--output=" + os.path.join(tmp, "no", "dir.json"), SEED])
        check(rc4 == 2 and err4.startswith("formdig: "), "-o into a missing directory: exit 2")
        rc5, _, _ = run(["check", "-o", os.path.join(tmp, "bad.json"),
                         os.path.join(DATA, "bad_json", "not_json.json")])
        check(rc5 == 2 and not os.path.exists(os.path.join(tmp, "bad.json")), "-o: no file for bad input")
    return doc


def test_json_lines(seed_doc):
    seed = json.loads(open(SEED, "rb").read())
    with open(os.path.join(DATA, "mutations", "SCORE_SUM.json"), "rb") as f:
        mutated = json.loads(f.read())
    lines = (json.dumps(seed, ensure_ascii=False) + "\n" + json.dumps(mutated, ensure_ascii=False) + "\n")
    rc, out, err = run(["check", "-"], stdin=lines.encode("utf-8"))
    check(rc == 1, "JSON Lines with one discrepancy: exit 1 (got %d %s)" % (rc, err))
    outl = out.decode("utf-8").strip().split("\n")
    check(len(outl) == 2, "JSON Lines: one output line per input document")
    if len(outl) == 2:
        a, b = json.loads(outl[0]), json.loads(outl[1])
        check(failing(a) == failing(seed_doc), "JSON Lines: line 1 checks as the seed")
        check(b["forms"][0]["verdict"] == "errors", "JSON Lines: line 2 verdict errors")
    check(validate(out, "JSON Lines output"), "JSON Lines: output validates")
    bad = (json.dumps(seed, ensure_ascii=False) + "\n" + '{"format": "1", "forms": [{"year": "x"}]}\n')
    rc, out, err = run(["check", "-"], stdin=bad.encode("utf-8"))
    check(rc == 2 and "document 2 (line 2): /forms/0/year: expected a number or null, got string" in err,
          "JSON Lines: a bad second document is named (%r)" % err)


def test_mutations(seed_doc):
    base = failing(seed_doc)
    mdir = os.path.join(DATA, "mutations")
    names = sorted(n for n in os.listdir(mdir) if n.endswith(".json"))
    check(len(names) == 10, "ten mutation files")
    for name in names:
        code = name[:-5]
        path = os.path.join(mdir, name)
        rc, out, err = run(["check", path])
        want_rc = 0 if code == "INDICATOR_UNDER" else 1
        check(rc == want_rc, "%s: exit %d (got %d, %s)" % (code, want_rc, rc, err.strip()))
        try:
            doc = json.loads(out)
        except ValueError:
            check(False, "%s: output is JSON" % code)
            continue
        now = failing(doc)
        new = now - base
        check(new and all(c == code for _, c, _ in new),
              "%s: exactly %s newly fails (new failures %r)" % (code, code, sorted(new)))
        check(not (base - now),
              "%s: no failure of the seed disappears (%r)" % (code, sorted(base - now)))
        check(validate(out, name), "%s: output validates" % code)


def test_ocr_suspect():
    """Provenance read in check mode: low confidence, or an alternative reading
    that would make the check pass, marks the finding ocr_suspect."""
    with open(os.path.join(DATA, "mutations", "SCORE_SUM.json"), "rb") as f:
        base = json.loads(f.read())
    cases = [({"conf": 30, "text": "98"}, True, "low confidence"),
             ({"conf": 95, "text": "98", "alternatives": ["96"]}, True, "an alternative that passes"),
             ({"conf": 95, "text": "98", "alternatives": ["99"]}, False, "no passing alternative")]
    for entry, want, what in cases:
        d = json.loads(json.dumps(base))
        e = {"page": 1, "bbox": [10, 20, 30, 40]}
        e.update(entry)
        d["forms"][0]["provenance"] = {"/total/score": e}
        rc, out, err = run(["check", "-"], stdin=json.dumps(d, ensure_ascii=False).encode("utf-8"))
        c = [c for c in json.loads(out)["forms"][0]["checks"] if c["code"] == "SCORE_SUM"] if rc == 1 else []
        check(rc == 1 and c and c[0]["ok"] is False and c[0]["ocr_suspect"] is want,
              "ocr_suspect in check mode, %s: %r" % (what, c))


def test_mutations_reproducible():
    script = os.path.join(SRC, "tools", "make_mutations.py")
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([sys.executable, script, SEED, tmp], capture_output=True)
        check(r.returncode == 0, "make_mutations.py runs (%s)" % r.stderr.decode())
        for sub in ("mutations", "bad_json"):
            for n in sorted(os.listdir(os.path.join(DATA, sub))):
                a = open(os.path.join(DATA, sub, n), "rb").read()
                p = os.path.join(tmp, sub, n)
                b = open(p, "rb").read() if os.path.exists(p) else None
                check(a == b, "tests/data/%s/%s is what tools/make_mutations.py makes" % (sub, n))


def test_bad_json():
    bdir = os.path.join(DATA, "bad_json")
    with open(os.path.join(bdir, "expected.tsv"), encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]
    check(len(rows) >= 20, "bad JSON corpus present")
    for name, status, part in rows:
        path = os.path.join(bdir, name)
        rc, out, err = run(["check", path])
        check(rc == 2, "%s: exit 2 (got %d)" % (name, rc))
        check(out == b"", "%s: nothing on stdout" % name)
        check(err.startswith("formdig: %s: " % path) and part in err,
              "%s: message names the problem (%r in %r)" % (name, part, err))
    # 100000-deep nesting, made here.
    with tempfile.TemporaryDirectory() as tmp:
        deep = os.path.join(tmp, "deep.json")
        with open(deep, "wb") as f:
            f.write(b'{"format": "1", "forms": ' + b"[" * 100000 + b"]" * 100000 + b"}")
        rc, out, err = run(["check", deep])
        check(rc == 2 and "nested deeper than 64" in err, "100000-deep nesting: exit 2 (%r)" % err[:200])
        # Over 64 MiB: refused without reading it all.
        big = os.path.join(tmp, "big.json")
        with open(big, "wb") as f:
            f.truncate(64 * 1024 * 1024 + 10)
        rc, out, err = run(["check", big])
        check(rc == 2 and "larger than the limit" in err, "over 64 MiB: exit 2 (%r)" % err[:200])


def test_models():
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = run(["--models", os.path.join(tmp, "none"), "check", SEED])
        check(rc == 2 and "models directory not found" in err, "--models missing dir: exit 2 (%r)" % err)
        os.makedirs(os.path.join(tmp, "rules"))
        with open(os.path.join(SRC, "models", "rules", "default.json"), encoding="utf-8") as f:
            rules = json.load(f)
        rules["tolerence"] = 1
        rp = os.path.join(tmp, "rules", "default.json")
        with open(rp, "w", encoding="utf-8") as f:
            json.dump(rules, f)
        rc, out, err = run(["--models", tmp, "check", SEED])
        check(rc == 2 and rp in err and "unknown key \"tolerence\"" in err,
              "bad rules file: exit 2 naming file and key (%r)" % err)
        del rules["tolerence"]
        rules["qualitative"]["low"] = 1.5
        with open(rp, "w", encoding="utf-8") as f:
            json.dump(rules, f)
        rc, out, err = run(["--models", tmp, "check", SEED])
        check(rc == 2 and "/qualitative/low" in err, "rules out of range: field named (%r)" % err)
        # FORMDIG_MODELS is used when --models is not given.
        env = dict(os.environ)
        env["FORMDIG_MODELS"] = tmp
        rc, out, err = run(["check", SEED], env=env)
        check(rc == 2 and "/qualitative/low" in err, "FORMDIG_MODELS is honoured")
        env["FORMDIG_MODELS"] = os.path.join(SRC, "models")
        rc, out, err = run(["check", SEED], env=env)
        check(rc == 0, "FORMDIG_MODELS=models: exit 0")


def test_jobs():
    """Three workers share out the pages of two scans (3 + 1 pages): the
    same JSON Lines, in input order, as one worker."""
    scans = [os.path.join(SRC, "scans", n) for n in ("sample002_hard.pdf", "sample004_scan.pdf")]
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    rc1, out1, err1 = run(["-q", "-j1"] + scans, env=env, timeout=900)
    rc3, out3, err3 = run(["-q", "-j3"] + scans, env=env, timeout=900)
    check(rc1 in (0, 1) and err1 == "", "-j1 on two scans: exit %d, stderr %s" % (rc1, err1[:4000]))
    check(rc3 == rc1 and err3 == "", "-j3: exit %d (-j1 %d), stderr %s" % (rc3, rc1, err3[:4000]))
    check(out3 == out1, "-j3 output differs from -j1")
    lines = out1.decode("utf-8").splitlines()
    pages = [json.loads(line)["source"]["pages"] for line in lines] if len(lines) == 2 else []
    check(pages == [3, 1], "JSON Lines in input order: pages %r" % pages)
    test_interrupt(scans, env, out1)
    test_debug_dir(scans[0], env, out1.split(b"\n")[0] + b"\n")


def test_debug_dir(scan, env, alone):
    """--debug-dir with two workers: every page of the 3-page scan gets its
    cleaned image, its grid drawing and the table of its readings (each
    under its own page number), and the JSON is the same bytes as without."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = run(["-q", "-j2", "--debug-dir", tmp, scan], env=env, timeout=900)
        check(rc in (0, 1) and out == alone,
              "--debug-dir: exit %d, output differs from a run without; stderr %s" % (rc, err[:4000]))
        for page in (1, 2, 3):
            for suffix in ("clean.png", "grid.png", "ocr.tsv"):
                path = os.path.join(tmp, "page-%03d-%s" % (page, suffix))
                check(os.path.exists(path) and os.path.getsize(path) > 0, "--debug-dir: no %s" % path)
            tsv = os.path.join(tmp, "page-%03d-ocr.tsv" % page)
            rows = open(tsv, encoding="utf-8").read().splitlines() if os.path.exists(tsv) else []
            check(len(rows) > 10 and rows[0].startswith("cell\t"),
                  "--debug-dir: %s has %d lines" % (tsv, len(rows)))
        extra = sorted(set(os.listdir(tmp)) - {"page-%03d-%s" % (p, s) for p in (1, 2, 3)
                                               for s in ("clean.png", "grid.png", "ocr.tsv")})
        check(extra == [], "--debug-dir: unexpected files %r" % extra)


def test_interrupt(scans, env, whole):
    """SIGINT one second into reading the 3-page scan: the pages in flight
    are finished, the file is left out whole (-o holds complete lines only,
    a prefix of the whole output), exit 2; --resume then gives the whole
    output."""
    import signal
    import time
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.jsonl")
        p = subprocess.Popen([FORMDIG, "-q", "-j2", "-o", out] + scans, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        stdout, stderr = p.communicate(timeout=900)
        err = stderr.decode("utf-8", "replace")
        check(p.returncode == 2 and "interrupted" in err,
              "SIGINT: exit %d, stderr %s" % (p.returncode, err[:4000]))
        kept = open(out, "rb").read() if os.path.exists(out) else b""
        check(whole.startswith(kept) and (kept == b"" or kept.endswith(b"\n")),
              "SIGINT: -o holds %d bytes that are not whole lines of the output" % len(kept))
        rc, stdout, err = run(["-q", "-j2", "--resume", "-o", out] + scans, env=env, timeout=900)
        check(rc in (0, 1) and open(out, "rb").read() == whole,
              "--resume after SIGINT: exit %d, output differs from an uninterrupted run; "
              "stderr %s" % (rc, err[:4000]))


def main(argv):
    global FORMDIG, SRC, SHARED, SEED, DATA
    if len(argv) != 4:
        sys.stderr.write("usage: test_cli.py FORMDIG SOURCE_DIR SHARED_DIR\n")
        return 2
    FORMDIG, SRC, SHARED = argv[1], argv[2], argv[3]
    SEED = os.path.join(SHARED, "seed", "seed-forms.json")
    DATA = os.path.join(SRC, "tests", "data")
    test_options()
    doc = test_seed()
    if doc is not None:
        test_json_lines(doc)
        test_mutations(doc)
        test_ocr_suspect()
    test_mutations_reproducible()
    test_bad_json()
    test_models()
    test_jobs()
    return TALLY.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
