import csv
import math
import pickle
from pathlib import Path

import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.text import to_statements
from analysis.tokenize import ChineseTokenizer, CorpusFileError, load_stopwords, load_userdict

REVIEWS = Path("/work/shared/data/online_shopping_reviews.csv")

SENTENCES = [
    "很多中小企业对知识产权不够重视，没有专人负责。",
    "我们申请的专利数量不少，但高价值专利还是偏少。",
    "本地代理机构规模小，遇到专利侵权诉讼只能去济南找律师。",
    "学校的专利很多躺在抽屉里，企业不知道有哪些成果可以用。",
    "希望进一步推进知识产权质押融资，简化质押登记手续。",
    "建立诉调对接和非诉调解机制以后，维权成本降低了不少。",
    "链主企业要带动产业链上下游做好专利布局和专利导航。",
    "2023年前三季度质押金额10.06亿元，同比增长30.90%。",
    "ＩＰ保护很重要，iPhone和C++代码也有著作权。",
    "行政裁决60日内办结，效率比法院诉讼高很多！",
]


@pytest.fixture(scope="module")
def tokenizers():
    return {name: ChineseTokenizer(engine=name) for name in ("jieba", "rjieba")}


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_content_tokens(tokenizers, engine):
    tokens = tokenizers[engine]("一是我们的高价值专利偏少，质押金额10.06亿元！iPhone 很好用")
    assert "高价值专利" in tokens  # user dictionary word kept whole
    assert "iphone" in tokens  # ASCII lowercased
    for dropped in ("我们", "的", "一", "是", "10", "06", "，", "！", " ", "."):
        assert dropped not in tokens


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_user_words_are_whole(tokenizers, engine):
    tokens = tokenizers[engine]("诉调对接和质押融资，还有专利导航和链主企业")
    for word in ("诉调对接", "质押融资", "专利导航", "链主企业"):
        assert word in tokens


def test_engines_agree_on_written_sentences(tokenizers):
    for sentence in SENTENCES:
        assert tokenizers["rjieba"].cut(sentence) == tokenizers["jieba"].cut(sentence), sentence
        assert tokenizers["rjieba"](sentence) == tokenizers["jieba"](sentence), sentence


def _route_logprob(tokens, freq, total):
    # jieba's score of a segmentation: sum of log(word frequency / total), unknown words count 1
    return sum(math.log(freq.get(t) or 1) - math.log(total) for t in tokens)


@pytest.mark.skipif(not REVIEWS.exists(), reason=f"{REVIEWS} 不存在（共享数据集未挂载）")
def test_engines_agree_on_real_reviews(tokenizers):
    import jieba

    with REVIEWS.open(encoding="utf-8") as f:
        rows = [r["text"] for r in csv.DictReader(f)]
    statements = [s.text for s in to_statements(rows[::20])]
    assert len(statements) > 3000

    reference = jieba.Tokenizer()  # same dictionary as the "jieba" engine, to score ties
    for w in load_userdict():
        reference.add_word(w.word, w.freq, w.tag or None)
    reference.check_initialized()

    differing = 0
    for text in statements:
        fast, slow = tokenizers["rjieba"].cut(text), tokenizers["jieba"].cut(text)
        if fast != slow:
            # allowed only where two segmentations score exactly the same (好好好… repeats):
            # the engines break ties differently; see analysis/tokenize.py
            differing += 1
            assert "".join(fast) == "".join(slow) == text
            assert _route_logprob(fast, reference.FREQ, reference.total) == pytest.approx(
                _route_logprob(slow, reference.FREQ, reference.total), abs=1e-9), text
    assert differing <= len(statements) // 1000


def test_jieba_does_not_log_to_stderr(capfd):
    ChineseTokenizer(engine="jieba")("专利导航")
    assert "prefix dict" not in capfd.readouterr().err


def test_pickles_and_clones_after_use(tokenizers):
    tok = ChineseTokenizer(engine="rjieba")
    before = tok(SENTENCES[0])
    restored = pickle.loads(pickle.dumps(tok))
    assert "_cut_fn" not in restored.__dict__
    assert restored(SENTENCES[0]) == before
    assert clone(tok).get_params() == {"engine": "rjieba", "stopwords": None, "userdict": None}


def test_works_inside_a_vectorizer():
    vec = TfidfVectorizer(tokenizer=ChineseTokenizer(), token_pattern=None)
    fitted = clone(vec).fit(SENTENCES)
    fitted = pickle.loads(pickle.dumps(fitted))
    vocabulary = set(fitted.get_feature_names_out())
    assert {"高价值专利", "质押融资", "代理机构"} <= vocabulary
    assert not vocabulary & {"的", "我们", "，"}


def test_auto_engine_and_unknown_engine():
    assert ChineseTokenizer().engine_name == "rjieba"
    with pytest.raises(ValueError, match="分词引擎"):
        ChineseTokenizer(engine="thulac")("专利")


def test_override_files(tmp_path):
    userdict = tmp_path / "dict.txt"
    userdict.write_text("# 只有一个词\n楼德煎饼 500 nz\n", encoding="utf-8")
    stopwords = tmp_path / "stop.txt"
    stopwords.write_text("# 注释行不是停用词\n好吃\n", encoding="utf-8")
    for engine in ("jieba", "rjieba"):
        tok = ChineseTokenizer(userdict=userdict, stopwords=stopwords, engine=engine)
        tokens = tok("楼德煎饼好吃，高价值专利的")
        assert "楼德煎饼" in tokens and "好吃" not in tokens
        assert "高价值专利" not in tokens  # the override replaces the bundled dictionary
        assert "的" in tokens  # and the bundled stopwords


def test_bundled_files_load():
    words = load_userdict()
    assert len(words) >= 100
    assert {"知识产权强市", "诉调对接", "高价值专利"} <= {w.word for w in words}
    stop = load_stopwords()
    assert {"的", "进行", "加强"} <= stop
    assert not any(w.startswith("#") for w in stop)


@pytest.mark.parametrize("content, problem", [
    ("专利导航 很多 n\n", "第 1 行"),
    ("# 注释\n专利导航 0 n\n", "第 2 行：词频"),
    ("专利导航 10 n 多余\n", "第 1 行"),
])
def test_bad_userdict_names_file_and_line(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusFileError) as err:
        load_userdict(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_bad_files_name_the_problem(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("专利\n导航\n".encode("gb18030"))
    with pytest.raises(CorpusFileError, match="UTF-8"):
        load_stopwords(gbk)
    with pytest.raises(CorpusFileError, match="无法读取"):
        load_userdict(tmp_path / "missing.txt")
    two = tmp_path / "two.txt"
    two.write_text("的 了\n", encoding="utf-8")
    with pytest.raises(CorpusFileError, match="一个停用词"):
        load_stopwords(two)


def test_filler_words_are_not_keywords():
    from analysis.tokenize import is_keyword
    tok = ChineseTokenizer()
    # adverbs, numerals, pronouns and other filler (stopword list or part of speech)
    for word in ["不到", "一块", "几乎", "起来", "真正", "不少", "基本", "一般", "很多", "本地", "目前"]:
        assert not [t for t in tok(word) if is_keyword(t)], word
    for word in ["专利", "代理机构", "转化", "服务", "困难", "高价值"]:
        assert is_keyword(word), word


def test_the_tags_are_read_without_importing_jieba():
    # jieba's import (pkg_resources with it) cost 0.15-0.2 s before the analysis's workers fork; rjieba segments
    import subprocess
    import sys

    code = "import sys; from analysis import tokenize; t = tokenize.load_tags(); " \
           "print(len(t), t.get('组建'), 'jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 300_000 and out[1] == "v" and out[2] == "False"
