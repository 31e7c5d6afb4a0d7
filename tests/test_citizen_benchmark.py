"""Issue 24's labelled citizen messages: how benchmarks/citizen_data.py cuts a message to its opening,
the committed label file, and benchmarks/citizen_row.py skipping when the third-party text is absent."""
import csv
import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[1] / "benchmarks"


def script(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_opening_keeps_the_matter_past_a_greeting():
    # a letter's first sentence is often courtesy alone; cut after it, the opening said nothing
    data = script("citizen_data")
    letter = ("胡书记，您好，感谢您百忙之中查看这份留言。我的父亲五月一日在A6区金星北路的一处工地工作，"
              "五月七日在工地施工时发生泥土塌方，受伤至今仍在治疗期间，工地现在拒绝支付医疗费用，并且态度恶劣。")
    opening = data.opening(letter)
    assert "塌方" in opening and len(opening) <= data.WINDOW


def test_a_short_message_is_kept_whole():
    data = script("citizen_data")
    message = "J4县东升华城旁边棚户区一直无路灯，一到夜里，黑黑的一大片。"
    assert data.opening(message) == message


def test_the_label_file_keys_each_message_once_with_a_board_label_and_a_half():
    with (BENCH / "data" / "citizen_labelled_labels.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    labels = script("citizen_data").LABELS
    assert len(rows) == len({r["sha1"] for r in rows}) == 485
    assert {r["label"] for r in rows} == set(labels)
    assert {r["half"] for r in rows} == {"a", "b"}


def test_the_scorer_skips_without_the_text(tmp_path, capsys):
    assert script("citizen_row").main(["--data", str(tmp_path / "missing.csv")]) == 0
    assert "skipped" in capsys.readouterr().out
