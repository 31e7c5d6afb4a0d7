"""Praise typed under 取得成效 that the kind stage still reads as a problem (issue 24 item 2, known misses).

Written for the demo's answers (team text, so no figure): 13 of 16 came out praise; these three did not, and were
left out of corpus/demo/responses.toml so that the demo's （二） does not list praise as a problem. Each one is a
complaint word in a clause that says the wrong fell or was handled, or inside a name: 仿冒…少多了 (少 read as a
problem), 投诉…侵权案…处理完了 (投诉 and 侵权), 风险补偿机制 (风险). Strict: when a change reads one right, this
fails and the statement can go back into the demo."""
import pytest

from analysis import StatementKinds


@pytest.fixture(scope="module")
def kinds():
    return StatementKinds().fit()


@pytest.mark.xfail(strict=True, reason="known miss: a wrong said to have fallen, or handled, still reads as a problem")
@pytest.mark.parametrize("text", [
    "这几年执法力度明显加大，我们产品被仿冒的情况少多了。",
    "维权援助中心受理投诉很快，去年我们的一起商标侵权案一个月就处理完了。",
    "知识产权质押融资风险补偿机制建立以后，银行放贷的顾虑小了，去年我行这类贷款增长明显。",
])
def test_praise_under_achievements_that_names_a_wrong_is_praise(kinds, text):
    assert kinds.predict([text], ["achievements"])[0] == "praise", kinds.explain(text, "achievements")
