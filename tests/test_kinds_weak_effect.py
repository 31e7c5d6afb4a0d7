"""An effect said to be weak is a complaint, whatever praise word it holds (issue 24 item 2): "成效不明显，企业获得感
不强" was praise under every field (获得感 a praise cue, 不强 after it unread), "取得了一定成效，但高价值专利还是偏少"
praise (偏少 no complaint), and "效果不明显。" typed under 取得成效 praise by the field's fallback. Round-table
remarks on a plan say these often. Statements written for the tests."""
import pytest

from analysis import StatementKinds
from analysis._kinds_evidence import COMPLAINT
from analysis.kinds import praise_cue


@pytest.fixture(scope="module")
def kinds():
    return StatementKinds().fit()


@pytest.mark.parametrize("text", ["成效不明显，企业获得感不强。", "取得了一定成效，但高价值专利还是偏少。", "效果不明显。",
                                  "政策知晓率偏低，作用有限。", "满意度不高。"])
@pytest.mark.parametrize("field", ["achievements", "problems", None])
def test_a_weak_effect_is_a_problem_under_any_field(kinds, text, field):
    assert kinds.predict([text], [field])[0] == "problem", kinds.explain(text, field)


@pytest.mark.parametrize("text", ["获得感不强", "满意度不高", "效果一般"])
def test_a_praise_word_said_to_be_weak_is_no_cue(text):
    assert praise_cue(text) == "" and COMPLAINT.search(text)


@pytest.mark.parametrize("text", ["效果很明显，企业获得感很强。", "码数偏小，质量很不错", "问题不大，总体满意"])
def test_strong_effects_and_faults_said_to_be_small_keep_praise(kinds, text):
    assert kinds.predict([text], [None])[0] == "praise", kinds.explain(text, None)
