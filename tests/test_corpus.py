#!/usr/bin/python3
"""Bad-input corpus: formdig on broken, odd and hostile files.

    test_corpus.py FORMDIG SOURCE_DIR

The files are in tests/data/corpus/ (tools to remake them: see README there);
the upside-down page and the path with spaces and Chinese characters are
made at run time from committed files. For every case of CASES below:

- the exit status;
- stdout: one JSON line per file that could be read (none for a file that
  could not), each valid against models/contract.schema.json
  (tools/validate_json.py), with the "errors" entries (page, code) expected;
- stderr: every line is formdig's own ("formdig: …", nothing printed by a
  library), it names the file (once: "formdig: FILE: FILE: …" is a bug)
  and, for a per-page problem, the page.

Prints "test_corpus: N passed, N failed".
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

TALLY = Tally("test_corpus")
check = TALLY.check


def run(args, cwd, close_stdin=False):
    if close_stdin:
        # `formdig FILE <&-`: descriptor 0 closed, not merely empty.
        cmd = ["/bin/sh", "-c", 'exec "$0" "$@" <&-', FORMDIG] + args
    else:
        cmd = [FORMDIG] + args
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=600,
                       stdin=None if close_stdin else subprocess.DEVNULL)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def validate(text, name):
    script = os.path.join(SRC, "tools", "validate_json.py")
    schema = os.path.join(SRC, "models", "contract.schema.json")
    r = subprocess.run([sys.executable, script, schema, "-"], input=text.encode("utf-8"),
                       capture_output=True)
    if r.returncode != 0:
        print("validate_json on %s:\n%s%s" % (name, r.stdout.decode(), r.stderr.decode()))
    return r.returncode == 0


# name, files (relative to the corpus directory unless absolute), exit status,
# per JSON line the expected {(page, code)} of "errors" (None: don't care),
# substrings every one of which must be in stderr.
CASES = [
    ("empty file", ["empty.png"], 2, [], ["formdig: empty.png: file is empty"]),
    ("truncated PNG", ["truncated.png"], 2, [], ["formdig: truncated.png: truncated PNG"]),
    ("truncated JPEG", ["truncated.jpg"], 2, [], ["formdig: truncated.jpg: truncated JPEG"]),
    ("truncated TIFF", ["truncated.tif"], 2, [], ["formdig: truncated.tif: TIFF has no readable page"]),
    ("truncated PDF", ["truncated.pdf"], 2, [], ["formdig: truncated.pdf: PDF has no pages"]),
    ("non-image bytes", ["not_image.png"], 2, [],
     ["formdig: not_image.png: not a recognised image or PDF"]),
    ("encrypted PDF", ["encrypted.pdf"], 2, [],
     ["formdig: encrypted.pdf: PDF is encrypted and needs a password"]),
    ("PDF with zero pages", ["zero_pages.pdf"], 2, [], ["formdig: zero_pages.pdf: PDF has no pages"]),
    ("1x1 image", ["one_pixel.png"], 2, [],
     ["formdig: one_pixel.png: page 1: image of 1x1 pixels is too small"]),
    ("PNG header claiming 60000x60000", ["huge_header.png"], 2, [],
     ["formdig: huge_header.png: page 1: image of 60000x60000 pixels exceeds the limit"]),
    # The format comes from the bytes: a JPEG named .png is read (a small
    # table fragment: no form on it).
    ("wrong extension", ["wrong_extension.png"], 0, [{(1, "PAGE_NOT_A_FORM")}],
     ["formdig: warning: wrong_extension.png: page 1: "]),
    ("blank page", ["blank_page.png"], 0, [{(1, "PAGE_NOT_A_FORM")}],
     ["formdig: warning: blank_page.png: page 1: no table found"]),
    ("page with no table", ["no_table.png"], 0, [{(1, "PAGE_NOT_A_FORM")}],
     ["formdig: warning: no_table.png: page 1: no table found"]),
    # Damaged entropy data with intact markers: libjpeg's "Corrupt JPEG
    # data" warning must reach stderr only inside formdig's own message.
    ("corrupt (not truncated) JPEG", ["corrupt.jpg"], 0, [{(1, "PAGE_UNREADABLE")}],
     ["formdig: warning: corrupt.jpg: page 1: corrupt JPEG data"]),
    # Page 2's strips point past the end of the file: page 1 is still read
    # (Leptonica printed "Bad file: amount too big" here).
    ("TIFF with a corrupt second page", ["bad_second_page.tif"], 0,
     [{(1, "PAGE_NOT_A_FORM"), (2, "PAGE_UNREADABLE")}],
     ["formdig: warning: bad_second_page.tif: page 2: tiff data cannot be decoded"]),
    # One bad file among good ones: the others are still read, one JSON
    # line each, in input order; the exit status reports the bad one.
    ("several files, one bad", ["blank_page.png", "empty.png", "no_table.png", "wrong_extension.png"], 2,
     [{(1, "PAGE_NOT_A_FORM")}] * 3,
     ["formdig: empty.png: file is empty", "formdig: warning: no_table.png: page 1"]),
]


def stderr_ok(err, name):
    ok = True
    for line in err.splitlines():
        if not line.startswith("formdig: "):
            ok = check(False, "%s: stderr line not from formdig: %r" % (name, line)) and ok
    return ok


def run_case(name, files, want_rc, want_errors, want_stderr, cwd, extra=None, close_stdin=False):
    args = ["-j", "2"] + (extra or []) + files
    rc, out, err = run(args, cwd, close_stdin)
    check(rc == want_rc, "%s: exit status %d, expected %d (stderr: %s)" % (name, rc, want_rc, err.strip()))
    stderr_ok(err, name)
    for s in want_stderr:
        check(s in err, "%s: stderr lacks %r: %r" % (name, s, err))
    for f in files:
        base = os.path.basename(f)
        check("%s: %s:" % (base, base) not in err, "%s: file named twice in %r" % (name, err))
    lines = [l for l in out.splitlines() if l.strip()]
    check(len(lines) == len(want_errors), "%s: %d JSON lines, expected %d" % (name, len(lines), len(want_errors)))
    if lines:
        check(validate(out, name), "%s: output validates against the schema" % name)
    docs = []
    for i, line in enumerate(lines):
        try:
            doc = json.loads(line)
        except ValueError as e:
            check(False, "%s: line %d is not JSON: %s" % (name, i + 1, e))
            continue
        docs.append(doc)
        if i < len(want_errors) and want_errors[i] is not None:
            got = {(e.get("page"), e.get("code")) for e in doc.get("errors", [])}
            check(got == want_errors[i], "%s: line %d errors %s, expected %s" % (name, i + 1, sorted(got),
                                                                              sorted(want_errors[i])))
            for e in doc.get("errors", []):
                check("page %d" % e["page"] in err, "%s: stderr does not name page %d" % (name, e["page"]))
    return rc, docs, err


def main():
    global FORMDIG, SRC
    if len(sys.argv) != 3:
        sys.stderr.write("usage: test_corpus.py FORMDIG SOURCE_DIR\n")
        return 2
    FORMDIG = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    corpus = os.path.join(SRC, "tests", "data", "corpus")

    for name, files, rc, errs, stderr in CASES:
        run_case(name, files, rc, errs, stderr, corpus)

    # Paths in the JSON are the ones given on the command line.
    _, docs, _ = run_case("source path", ["blank_page.png"], 0, [{(1, "PAGE_NOT_A_FORM")}], [], corpus)
    check(docs and docs[0]["source"]["path"] == "blank_page.png", "source.path is the argument")

    # Standard input closed: nothing reads it, descriptor 0 being reused
    # by the first file opened must not matter.
    run_case("stdin closed", ["blank_page.png"], 0, [{(1, "PAGE_NOT_A_FORM")}],
             ["formdig: warning: blank_page.png: page 1"], corpus, close_stdin=True)

    tmp = tempfile.mkdtemp(prefix="formdig-corpus-")
    try:
        # A path with spaces and Chinese characters, in the JSON unchanged.
        odd_dir = os.path.join(tmp, "扫描 文件")
        os.mkdir(odd_dir)
        odd = os.path.join(odd_dir, "空白 页 (1).png")
        shutil.copy(os.path.join(corpus, "blank_page.png"), odd)
        _, docs, err = run_case("path with spaces and Chinese", [odd], 0, [{(1, "PAGE_NOT_A_FORM")}],
                                ["formdig: warning: %s: page 1" % odd], corpus)
        check(docs and docs[0]["source"]["path"] == odd, "odd path kept in source.path")

        # An upside-down page (the bundled clean scan turned 180°) is
        # turned back and read as a form.
        try:
            from PIL import Image
            up = os.path.join(odd_dir, "自评表 倒置.jpg")
            Image.open(os.path.join(SRC, "scans", "sample000_clean.jpg")).rotate(180).save(up, quality=85)
            rc, out, err = run([up], corpus)
            check(rc in (0, 1), "upside-down page: exit %d (stderr %s)" % (rc, err.strip()))
            stderr_ok(err, "upside-down page")
            try:
                doc = json.loads(out)
                check(len(doc["forms"]) == 1 and doc["forms"][0]["title"] == "财政项目支出绩效自评表",
                      "upside-down page: one form with its title read")
                check(doc["forms"][0].get("year") == 2025, "upside-down page: year read")
                check(validate(out, "upside-down page"), "upside-down page validates")
            except (ValueError, KeyError, IndexError) as e:
                check(False, "upside-down page: no usable JSON (%s): %r" % (e, out[:200]))
        except ImportError:
            print("test_corpus: python3-pil missing, upside-down case skipped")

        # A JPEG with stray bytes before a marker (scanners write such
        # files; libjpeg only warns): the page is read, not given up.
        data = open(os.path.join(SRC, "scans", "sample000_clean.jpg"), "rb").read()
        sos = data.index(b"\xff\xda")
        stray = os.path.join(tmp, "stray_bytes.jpg")
        with open(stray, "wb") as f:
            f.write(data[:sos] + b"\x00\x01\x02" + data[sos:])
        rc, out, err = run([stray], corpus)
        check(rc in (0, 1), "stray bytes in a JPEG: exit %d (stderr %s)" % (rc, err.strip()))
        stderr_ok(err, "stray bytes in a JPEG")
        try:
            doc = json.loads(out)
            check(len(doc["forms"]) == 1 and not doc["errors"],
                  "stray bytes in a JPEG: one form, no page error")
        except (ValueError, KeyError) as e:
            check(False, "stray bytes in a JPEG: no usable JSON (%s)" % e)

        # -o into a directory that does not exist / cannot be written: exit
        # 2, a message naming the output, nothing left behind.
        missing = os.path.join(tmp, "no such dir", "out.json")
        rc, out, err = run(["-o", missing, "blank_page.png"], corpus)
        check(rc == 2, "-o missing dir: exit %d" % rc)
        check("formdig: %s:" % missing in err, "-o missing dir: message names the output: %r" % err)
        check(not os.path.exists(os.path.dirname(missing)), "-o missing dir: nothing created")
        stderr_ok(err, "-o missing dir")
        if os.geteuid() == 0:
            # root writes anywhere a mode allows: /proc refuses new files.
            ro_dir = "/proc"
        else:
            ro_dir = os.path.join(tmp, "read-only")
            os.mkdir(ro_dir)
            os.chmod(ro_dir, 0o555)
        before = set(os.listdir(ro_dir)) if ro_dir != "/proc" else None
        target = os.path.join(ro_dir, "formdig-out.json")
        rc, out, err = run(["-o", target, "blank_page.png"], corpus)
        check(rc == 2, "-o unwritable dir: exit %d" % rc)
        check("formdig: %s:" % target in err, "-o unwritable dir: message names the output: %r" % err)
        check(out == "", "-o unwritable dir: nothing on stdout")
        if before is not None:
            check(set(os.listdir(ro_dir)) == before, "-o unwritable dir: no partial file left")
            os.chmod(ro_dir, 0o755)
        else:
            check(not any(n.startswith("formdig-out.json") for n in os.listdir(ro_dir)),
                  "-o unwritable dir: no partial file left")
        stderr_ok(err, "-o unwritable dir")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return TALLY.finish()


if __name__ == "__main__":
    sys.exit(main())
