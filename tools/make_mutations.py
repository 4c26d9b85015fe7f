#!/usr/bin/python3
"""Writes the check-mode test data of tests/data/ from the seed document.

tests/data/mutations/<CODE>.json: the seed document
(shared/seed/seed-forms.json) with one small edit per check code of the
contract, so that `formdig check` newly fails exactly that code (and no
other check that passed on the seed starts to fail). The CLI test
(tests/test_cli.py) checks that.

tests/data/bad_json/*: inputs that are not valid contract JSON, each with
the status and a part of the message expected of the reader in
expected.tsv (name, status name, message substring); `formdig check` must
exit 2 on each, naming the problem, without crashing.

    tools/make_mutations.py [SEED [DATADIR]]

Deterministic: the same seed gives the same bytes. Each file carries a
"_mutation" field (allowed: the contract lets documents add fields) that
says what was changed.
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "..", "shared", "seed", "seed-forms.json")
DATA = os.path.join(HERE, "..", "tests", "data")


def m_funds_rate(d):
    d["forms"][0]["funds"]["total"]["execution_rate_pct"] = 90.0
    return "form 0: 执行率 100.00% → 90.00% (执行数/预算数 still 100%)"


def m_funds_score(d):
    f = d["forms"][0]
    f["funds"]["total"]["score"] = 8
    f["total"]["score"] = 94  # keep 总分得分 = 预算执行率得分 + Σ 指标得分
    return "form 0: 预算执行率得分 10 → 8 (rate is 100%), 总分得分 96 → 94 to keep the sum"


def m_funds_parts(d):
    d["forms"][0]["funds"]["other"]["annual_budget"] = 1000
    return "form 0: 其他资金 全年预算数 0 → 1000 (no longer adds up to 年度资金总额)"


def m_score_range(d):
    f = d["forms"][0]
    ind = f["indicators"][3]  # 按照对应级别发放薪酬: 规范 / 规范, weight 5, score 5
    ind["actual"] = {"text": "基本规范", "op": None, "value": None, "unit": None}
    ind["score"] = 6
    ind["deviation_reason"] = "部分岗位未按级别"
    f["total"]["score"] = 97
    return ("form 0, indicator 3: 得分 5 → 6 above 分值 5; actual 规范 → 基本规范 so that no attainment "
            "rule applies (INDICATOR_OVER/UNDER: null); 总分得分 96 → 97 to keep the sum")


def m_weight_sum(d):
    d["forms"][0]["indicators"][1]["weight"] = 6
    return "form 0, indicator 1: 分值 5 → 6 (Σ 分值 101, 总分分值 still 100)"


def m_score_sum(d):
    d["forms"][0]["total"]["score"] = 98
    return "form 0: 总分得分 96 → 98"


def m_total_weight(d):
    f = d["forms"][0]
    f["indicators"][1]["weight"] = 6
    f["total"]["weight"] = 101
    return "form 0: indicator 1 分值 5 → 6 and 总分分值 100 → 101 (sums agree, total is not 100)"


def m_indicator_over(d):
    ind = d["forms"][0]["indicators"][0]  # =39人, actual 39人, 5/5
    ind["actual"] = {"text": "30人", "op": None, "value": 30, "unit": "人"}
    return "form 0, indicator 0: actual 39人 → 30人 (target =39人 missed), score stays 5 of 5"


def m_indicator_under(d):
    f = d["forms"][0]
    ind = f["indicators"][0]  # =39人, actual 39人, 5/5
    ind["score"] = 4
    ind["deviation_reason"] = "考核扣分"
    f["total"]["score"] = 95
    return ("form 0, indicator 0: 得分 5 → 4 though the target was met (rule: 5), with a 偏差原因; "
            "总分得分 96 → 95 to keep the sum")


def m_reason_missing(d):
    d["forms"][0]["indicators"][1]["deviation_reason"] = None
    return "form 0, indicator 1: 得分 3 < 分值 5, 偏差原因 新增1个居民区 → null"


MUTATIONS = {
    "FUNDS_RATE": m_funds_rate,
    "FUNDS_SCORE": m_funds_score,
    "FUNDS_PARTS": m_funds_parts,
    "SCORE_RANGE": m_score_range,
    "WEIGHT_SUM": m_weight_sum,
    "SCORE_SUM": m_score_sum,
    "TOTAL_WEIGHT": m_total_weight,
    "INDICATOR_OVER": m_indicator_over,
    "INDICATOR_UNDER": m_indicator_under,
    "REASON_MISSING": m_reason_missing,
}


def _seed_with(seed, edit):
    d = copy.deepcopy(seed)
    edit(d)
    return json.dumps(d, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _set(path, value):
    """An edit that sets the member at path (a list of keys/indices)."""
    def edit(d):
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return edit


def _delete(key):
    def edit(d):
        del d[key]
    return edit


def _cut_ascii(text, n):
    """text cut to at most n bytes, on an ASCII byte (not inside a UTF-8 sequence)."""
    while n > 0 and text[n - 1] >= 0x80:
        n -= 1
    return text[:n]


def bad_json_cases(seed):
    """(file name, bytes, expected status, expected message part)."""
    text = json.dumps(seed, ensure_ascii=False, indent=1).encode("utf-8")
    return [
        ("empty.json", b"", "INPUT", "empty input"),
        ("whitespace.json", b"  \n\t\n", "INPUT", "empty input"),
        ("not_json.json", b"this is not JSON\n", "INPUT", "line 1, column 1"),
        ("truncated.json", _cut_ascii(text, 300), "INPUT", "unexpected end of input"),
        ("trailing_garbage.json", text + b"\n}\n", "INPUT", "syntax error at line"),
        ("root_array.json", b"[1, 2, 3]\n", "INPUT", "document root: expected an object"),
        ("missing_format.json", _seed_with(seed, _delete("format")), "INPUT", "missing required field \"format\""),
        ("format_2.json", _seed_with(seed, _set(["format"], "2")), "INPUT", "/format: unsupported format"),
        ("format_number.json", _seed_with(seed, _set(["format"], 1)), "INPUT", "/format: expected the string"),
        ("missing_forms.json", _seed_with(seed, _delete("forms")), "INPUT", "missing required field \"forms\""),
        ("forms_object.json", _seed_with(seed, _set(["forms"], {})), "INPUT", "/forms: expected an array, got object"),
        ("form_string.json", _seed_with(seed, _set(["forms", 1], "form")), "INPUT", "/forms/1: expected an object, got string"),
        ("executed_string.json",
         _seed_with(seed, _set(["forms", 0, "funds", "total", "executed"], "11,999,665.86")),
         "INPUT", "/forms/0/funds/total/executed: expected a number or null, got string"),
        ("funds_array.json", _seed_with(seed, _set(["forms", 2, "funds"], [])), "INPUT",
         "/forms/2/funds: expected an object or null, got array"),
        ("indicators_null.json", _seed_with(seed, _set(["forms", 0, "indicators"], None)), "INPUT",
         "/forms/0/indicators: expected an array, got null"),
        ("indicator_weight_bool.json", _seed_with(seed, _set(["forms", 1, "indicators", 4, "weight"], True)),
         "INPUT", "/forms/1/indicators/4/weight: expected a number or null, got boolean"),
        ("target_op_unknown.json", _seed_with(seed, _set(["forms", 0, "indicators", 0, "target", "op"], "≥")),
         "INPUT", "/forms/0/indicators/0/target/op: expected one of"),
        ("name_number.json", _seed_with(seed, _set(["forms", 2, "indicators", 3, "name"], 7)), "INPUT",
         "/forms/2/indicators/3/name: expected a string or null, got number"),
        ("huge_number.json", _seed_with(seed, _set(["forms", 0, "total", "score"], 1e300)), "INPUT",
         "/forms/0/total/score: number out of range"),
        ("overflow_number.json", text.replace(b'"score": 96', b'"score": 1e999', 1), "INPUT",
         "/forms/0/total/score: number out of range"),
        ("nan.json", text.replace(b'"score": 96', b'"score": NaN', 1), "INPUT", "not valid JSON"),
        ("infinity.json", text.replace(b'"score": 96', b'"score": -Infinity', 1), "INPUT", "not valid JSON"),
        ("non_utf8.json", text.replace("党群中心劳务费及分摊费".encode("utf-8"),
                                       "党群中心劳务费及分摊费".encode("gbk"), 1),
         "INPUT", "not valid UTF-8 at byte offset"),
        ("nul_byte.json", text.replace(b'"title"', b'"ti\x00tle"', 1), "INPUT", "NUL byte at byte offset"),
        ("deep_nesting.json", b"[" * 1000 + b"]" * 1000, "LIMIT", "nested deeper than 64 levels"),
        ("provenance_key.json",
         _seed_with(seed, _set(["forms", 0, "provenance"], {"funds/total/executed": {"page": 1}})),
         "INPUT", "JSON Pointer starting with"),
        ("check_code_unknown.json",
         _seed_with(seed, _set(["forms", 0, "checks"], [{"code": "NO_SUCH_CHECK", "ok": True}])),
         "INPUT", "/forms/0/checks/0/code: unknown check code"),
    ]


def main(argv):
    seed_path = argv[1] if len(argv) > 1 else SEED
    data = argv[2] if len(argv) > 2 else DATA
    out = os.path.join(data, "mutations")
    bad = os.path.join(data, "bad_json")
    with open(seed_path, encoding="utf-8") as f:
        seed = json.load(f)
    os.makedirs(bad, exist_ok=True)
    with open(os.path.join(bad, "expected.tsv"), "w", encoding="utf-8") as tsv:
        tsv.write("# file\tstatus\tmessage part (made by tools/make_mutations.py)\n")
        for name, content, status, part in bad_json_cases(seed):
            with open(os.path.join(bad, name), "wb") as f:
                f.write(content)
            tsv.write("%s\t%s\t%s\n" % (name, status, part))
    os.makedirs(out, exist_ok=True)
    for code, fn in MUTATIONS.items():
        d = copy.deepcopy(seed)
        what = fn(d)
        d = dict([("format", d["format"]), ("_mutation", {"code": code, "change": what})] +
                 [(k, v) for k, v in d.items() if k != "format"])
        with open(os.path.join(out, code + ".json"), "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
