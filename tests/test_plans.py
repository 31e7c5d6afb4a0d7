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



BUSINESS = corpus_path("plans", "city-business-environment.toml")


def test_second_plan_of_another_domain_loads_with_its_types_and_words():
    plan = load_plan(BUSINESS)
    assert plan.short_name == "《方案》" and len(plan.goals) == 6 and len(plan.categories) == 4
    assert [t.name for t in plan.types_for()] == ["企业", "个体工商户", "行业协会商会", "金融机构", "政府部门", "其他"]
    assert "个人/群众" in [t.name for t in plan.types_for(anonymous=True)]
    assert "一件事一次办" in plan.words and "营商" in plan.stopwords
    text = BUSINESS.read_text(encoding="utf-8")
    for word in ("知识产权", "专利", "商标"):
        assert word not in text


def test_a_plan_without_types_gets_the_defaults_and_other_is_always_there():
    plan = parse_plan(MINIMAL)
    assert [t.name for t in plan.types_for()] == ["高校/科研院所", "企业", "服务机构", "政府部门", "其他"]
    assert [t.name for t in plan.types_for(anonymous=True)][-2:] == ["个人/群众", "其他"]
    only = parse_plan(MINIMAL + '[[respondent_types]]\nname = "企业"\n')
    assert [t.name for t in only.types_for()] == ["企业", "其他"]  # 其他 is where unknown types go


@pytest.mark.parametrize("extra, field, reason", [
    ('[[respondent_types]]\naliases = ["x"]\n', "respondent_types[0].name", "缺少必填字段"),
    ('[[respondent_types]]\nname = "企业"\n[[respondent_types]]\nname = "企业"\n', "respondent_types[1].name", "重复"),
    ('[[respondent_types]]\nname = "企业"\naliases = ["公司"]\n[[respondent_types]]\nname = "个体"\naliases = ["公司"]\n',
     "respondent_types[1].aliases", "已用于类型“企业”"),
    ('[[respondent_types]]\nname = "企业"\naliases = "公司"\n', "respondent_types[0].aliases", "应为字符串列表"),
    ('[[respondent_types]]\nname = "' + "长" * 33 + '"\n', "respondent_types[0].name", "过长"),
    ('dictionary = ["词"]\n', "dictionary", "应写成 [dictionary] 表"),
    ('[dictionary]\nwords = ["两 个"]\n', "dictionary.words[0]", "含空格"),
    ('[dictionary]\nstopwords = [1]\n', "dictionary.stopwords", "应为字符串列表"),
])
def test_respondent_types_and_dictionary_errors_name_file_and_field(extra, field, reason):
    # Top-level keys go before the first table in TOML; put the extra tables after the plan's.
    error = error_of(MINIMAL.replace('id = "p1"', 'id = "p1"\n' + extra) if extra.startswith("dictionary =")
                     else MINIMAL + extra)
    assert error.source == "bad.toml" and error.field == field and reason in error.reason


def test_plan_words_and_stopwords_reach_the_tokenizer():
    from analysis.tokenize import ChineseTokenizer

    plan = load_plan(BUSINESS)
    text = "无还本续贷的门槛太高，营商方面希望改进"
    plain, planned = ChineseTokenizer(engine="jieba")(text), ChineseTokenizer.for_plan(plan, engine="jieba")(text)
    assert "无还本续贷" in planned and "无还本续贷" not in plain
    assert "营商" in plain and "营商" not in planned


IP_WORDS = ("知识产权", "专利", "商标", "《规划》")


def test_business_plan_end_to_end_shows_no_ip_wording(app, client, runner, tmp_path):
    """The 营商环境 plan's phone form, paper form, import preview, session, analysis and review
    pages and its report (HTML and Word) after a real analysis: nothing from the seed plan's
    domain, and the plan named by its own short title."""
    import zipfile

    from support.import_files import business_session, wjx_text_xls, write_xls, write_xlsx
    from support.report import store_demo_analysis
    from support.staff import add_staff, csrf_token, log_in

    code = business_session(app, status="open")
    header, rows, _ = wjx_text_xls(60)
    assert runner.invoke(args=["import", str(write_xls(tmp_path / "a.xls", header, rows)),
                               "--session", code]).exit_code == 0
    store_demo_analysis(app, code)
    add_staff(app)
    log_in(client)
    token = csrf_token(client, f"/staff/sessions/{code}/import")
    with open(write_xlsx(tmp_path / "b.xlsx", header, rows[:5]), "rb") as f:
        preview = client.post(f"/staff/sessions/{code}/import", content_type="multipart/form-data",
                              data={"file": (f, "b.xlsx"), "csrf_token": token, "source": ""}).headers["Location"]
    pages = {url: client.get(url) for url in (
        f"/s/{code}", f"/staff/sessions/{code}", f"/staff/sessions/{code}/analysis",
        f"/staff/evaluations/{code}/review", f"/staff/reports/{code}", f"/staff/reports/{code}/report.html",
        f"/staff/sessions/{code}/paper/form", f"/staff/sessions/{code}/paper", preview, "/staff/sessions/new", "/staff/")}
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not [w for w in IP_WORDS if w in html], url
    assert "《方案》" in pages[f"/staff/sessions/{code}"].get_data(as_text=True)
    report = client.get(f"/staff/reports/{code}/report.docx")
    assert report.status_code == 200
    path = tmp_path / "report.docx"
    path.write_bytes(report.data)
    with zipfile.ZipFile(path) as docx:
        xml = "".join(docx.read(n).decode("utf-8") for n in docx.namelist() if n.endswith(".xml"))
    assert "政务服务便利度" in xml and not [w for w in IP_WORDS if w in xml]


def test_plan_tokenizer_pickles_and_clones():
    import pickle

    from sklearn.base import clone

    from analysis.tokenize import ChineseTokenizer

    tok = ChineseTokenizer.for_plan(load_plan(BUSINESS), engine="jieba")
    before = tok("无还本续贷太难")
    assert pickle.loads(pickle.dumps(tok))("无还本续贷太难") == before
    assert clone(tok)("无还本续贷太难") == before and "无还本续贷" in before
    assert type(ChineseTokenizer.for_plan(load_plan(SEED))) is ChineseTokenizer  # no words: the plain one
