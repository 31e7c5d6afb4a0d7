"""Plan files: the loader's error messages (文件: 字段: 原因) and syncing files into the Plan table."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from analysis.plan import PlanError, load_plan, parse_plan
from analysis.resources import bundled_plans, corpus_path
from survey.extensions import db
from survey.models import Plan
from survey.plans import sync_plan_dir, sync_plan_file

SEED = corpus_path("plans", "taian-ip-14th-fyp.toml")

MINIMAL = """
id = "p1"
title = "某规划"

[[goals]]
id = "g1"
name = "目标一"

[[categories]]
id = "c1"
name = "问题一"
description = "说明"
keywords = ["词"]
"""


def error_of(text: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        parse_plan(text, source="bad.toml")
    return info.value


def test_bundled_seed_plan_loads():
    plan = load_plan(SEED)
    assert plan.id == "taian-ip-14th-fyp"
    assert len(plan.goals) == 7 and len(plan.categories) == 3 and len(plan.measures) == 4
    assert plan.issue_date == "2022-05"
    assert SEED in bundled_plans()


def test_minimal_plan_loads():
    plan = parse_plan(MINIMAL)
    assert [g.id for g in plan.goals] == ["g1"] and plan.measures == ()


def test_broken_toml_names_the_file():
    err = error_of('id = "p1"\ntitle = "未闭合')
    assert (err.source, err.field) == ("bad.toml", "(TOML)")
    assert str(err).startswith("bad.toml: (TOML): 格式错误")


@pytest.mark.parametrize("key, field", [
    ('title = "某规划"', "title"),
    ('id = "g1"', "goals[0].id"),
    ('keywords = ["词"]', "categories[0].keywords"),
])
def test_missing_key(key, field):
    err = error_of(MINIMAL.replace(key, ""))
    assert (err.field, err.reason) == (field, "缺少必填字段")


def test_missing_goals_table():
    err = error_of(MINIMAL.replace("[[goals]]\nid = \"g1\"\nname = \"目标一\"\n", ""))
    assert (err.field, err.reason) == ("goals", "缺少必填字段")


def test_duplicate_goal_ids():
    err = error_of(MINIMAL + '\n[[goals]]\nid = "g1"\nname = "又一个"\n')
    assert err.field == "goals[1].id" and "重复" in err.reason


def test_duplicate_category_ids():
    extra = '\n[[categories]]\nid = "c1"\nname = "x"\ndescription = "y"\nkeywords = ["z"]\n'
    assert error_of(MINIMAL + extra).field == "categories[1].id"


def test_empty_lists():
    assert error_of(MINIMAL.replace('keywords = ["词"]', "keywords = []")).reason == "列表不能为空"
    assert error_of(MINIMAL.replace('keywords = ["词"]', 'keywords = ["  "]')).reason == "列表不能为空"
    no_goals = MINIMAL.replace('[[goals]]\nid = "g1"\nname = "目标一"\n', "goals = []\n")
    assert (error_of(no_goals).field, error_of(no_goals).reason) == ("goals", "列表不能为空")


@pytest.mark.parametrize("old, new, field", [
    ('title = "某规划"', "title = 3", "title"),
    ('keywords = ["词"]', 'keywords = "词"', "categories[0].keywords"),
    ('keywords = ["词"]', "keywords = [1, 2]", "categories[0].keywords"),
    ('[[goals]]\nid = "g1"\nname = "目标一"\n', '[goals]\nid = "g1"\nname = "目标一"\n', "goals"),
    ('id = "p1"', 'id = "P 1"', "id"),
    ('id = "p1"', 'id = "p1"\nissue_date = "五月"', "issue_date"),
    ('id = "p1"', 'id = "p1"\nissue_date = "2022-13"', "issue_date"),
    ('id = "p1"', 'id = "p1"\nissue_date = 12:00:00', "issue_date"),
])
def test_wrong_types(old, new, field):
    assert error_of(MINIMAL.replace(old, new, 1)).field == field


def test_issue_date_forms():
    assert parse_plan(MINIMAL + "").issue_date == ""
    assert parse_plan('issue_date = 2022-05-10\n' + MINIMAL).issue_date == "2022-05-10"
    assert parse_plan('issue_date = "2022-05"\n' + MINIMAL).issue_date == "2022-05"


def test_reserved_category_id():
    assert "保留" in error_of(MINIMAL.replace('id = "c1"', 'id = "other"')).reason


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(PlanError, match="无法读取"):
        load_plan(tmp_path / "missing.toml")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(MINIMAL.encode("gbk"))
    with pytest.raises(PlanError, match=r"gbk\.toml: \(文件\): 不是 UTF-8 编码"):
        load_plan(gbk)


# --- the Plan table -------------------------------------------------------------------------

def test_sync_adds_then_reports_unchanged(app):
    with app.app_context():
        first = sync_plan_file(SEED)
        db.session.commit()
        assert first.change == "added"
        again = sync_plan_file(SEED)
        assert again.change == "unchanged"
        row = db.session.get(Plan, "taian-ip-14th-fyp")
        assert row.source_text == SEED.read_text(encoding="utf-8")
        assert row.source_name == SEED.name
        assert row.document_number == "泰政办字〔2022〕22号"
        assert len(row.definition.goals) == 7


def test_reloading_an_edited_file_updates_the_row(app, tmp_path):
    path = tmp_path / "p1.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    with app.app_context():
        sync_plan_file(path)
        db.session.commit()
        row = db.session.get(Plan, "p1")
        assert [g.name for g in row.definition.goals] == ["目标一"]
        path.write_text(MINIMAL.replace("某规划", "某规划（修订）") + '\n[[goals]]\nid = "g2"\nname = "目标二"\n',
                        encoding="utf-8")
        result = sync_plan_file(path)
        db.session.commit()
        assert result.change == "updated"
        row = db.session.get(Plan, "p1")
        assert row.title == "某规划（修订）"
        assert [g.id for g in row.definition.goals] == ["g1", "g2"]
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 1


def test_bad_file_leaves_the_table_alone(app, tmp_path):
    shutil.copy(SEED, tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text(MINIMAL.replace('title = "某规划"', ""), encoding="utf-8")
    with app.app_context():
        with pytest.raises(PlanError, match=r"b\.toml: title: 缺少必填字段"):
            sync_plan_dir(tmp_path)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_sync_dir_defaults_to_config_or_bundled(app, tmp_path):
    (tmp_path / "p1.toml").write_text(MINIMAL, encoding="utf-8")
    with app.app_context():
        assert [r.plan.id for r in sync_plan_dir()] == [p.stem for p in bundled_plans()]
        app.config["PLAN_DIR"] = str(tmp_path)
        assert [r.plan.id for r in sync_plan_dir()] == ["p1"]


def test_source_is_kept_verbatim_with_comments(app):
    with app.app_context():
        sync_plan_file(SEED)
        assert db.session.get(Plan, "taian-ip-14th-fyp").source_text.startswith("# 《泰安市")

