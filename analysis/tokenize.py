"""Chinese word segmentation for the analysis: jieba, or rjieba (its Rust port) for speed.

`ChineseTokenizer` is what vectorizers and word clouds call. It follows the scikit-learn
rules (``__init__`` stores its arguments; the segmenter is built on first use and dropped
when pickled), so ``TfidfVectorizer(tokenizer=ChineseTokenizer(), token_pattern=None)``
pickles and clones.

Engines
-------
- ``"jieba"``: the reference, a private ``jieba.Tokenizer()`` with the user dictionary, HMM off.
- ``"rjieba"``: rjieba (jieba-rs), same main dictionary, same user words, HMM off.
- ``"auto"``: rjieba when it imports, else jieba.

Both engines get every user word with an explicit frequency (``DEFAULT_FREQ`` when the file
gives none), because a frequency left to each engine's ``suggest_freq`` only just beats the
split, and the two engines' floating point could then disagree. HMM is off in both: its
new-word guesses would differ between engines and invent words from names and typos.

Measured differences (all 62,773 shopping reviews, 137,200 statements, 3.6 M characters):
19 statements segment differently, every one an exact tie between two routes of equal
probability over repeated characters ("好好好好好", "啊啊啊啊", "等等等"): at a tie jieba takes
the longer word (it maximises ``(score, word end)``), jieba-rs not always. tests/test_tokenize.py checks that each
difference is such a tie. One more difference is latent: re-adding a word the main
dictionary already has (``发明专利 300``) adds its frequency to jieba's total but replaces it in
jieba-rs's; the totals then differ by a few thousand in ~60 million, which changed no
segmentation above.
"""
from __future__ import annotations

import importlib.util
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sklearn.base import BaseEstimator

from .resources import CorpusFileError, corpus_path  # noqa: F401  (re-exported)
from .text import normalize

DEFAULT_FREQ = 300  # beats the split into parts, below common neighbours (cf. 知识产权 716)
_TAG = re.compile(r"^[A-Za-z]+$")
_NUMBER = re.compile(r"^[0-9.,%．·+\-]+$")



@dataclass(frozen=True)
class UserWord:
    word: str
    freq: int
    tag: str = ""


def _read_lines(path: Path) -> list[str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusFileError(path, f"无法读取：{exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CorpusFileError(path, f"不是 UTF-8 编码（第 {line} 行）") from exc


def _content_lines(path: Path):
    """(line number, text) of lines that are neither blank nor `#` comments."""
    for number, line in enumerate(_read_lines(path), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def load_userdict(path: str | Path | None = None) -> list[UserWord]:
    """User words in jieba's format, one per line: ``词 [词频] [词性]``."""
    path = Path(path) if path is not None else corpus_path("dict", "userdict.txt")
    words = []
    for number, line in _content_lines(path):
        fields = line.split()
        word, rest = fields[0], fields[1:]
        freq, tag = DEFAULT_FREQ, ""
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
            if freq <= 0:
                raise CorpusFileError(path, f"第 {number} 行：词频应为正整数")
        if rest and _TAG.match(rest[0]):
            tag = rest.pop(0)
        if rest:
            raise CorpusFileError(path, f"第 {number} 行：无法识别“{' '.join(rest)}”，格式应为“词 词频 词性”")
        words.append(UserWord(word, freq, tag))
    return words


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Stopwords, one per line; ASCII is lowercased to match the tokenizer's output."""
    path = Path(path) if path is not None else corpus_path("stopwords.txt")
    words = set()
    for number, line in _content_lines(path):
        if len(line.split()) > 1:
            raise CorpusFileError(path, f"第 {number} 行：每行只能写一个停用词")
        words.add(line.lower())
    return frozenset(words)


def _is_punctuation(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


def _content(token: str, stop: frozenset[str]) -> str | None:
    """The token as it goes into counts, or None for stopwords, punctuation, spaces, numbers."""
    token = token.strip().lower()
    if not token or token in stop or _NUMBER.match(token) or _is_punctuation(token):
        return None
    return token


_UNSEEN = object()
_MAX_VERDICTS = 500_000


def _jieba_cut(words: list[UserWord]):
    import jieba

    jieba.setLogLevel(logging.WARNING)  # silence "Building prefix dict…" on stderr
    tokenizer = jieba.Tokenizer()
    for w in words:
        tokenizer.add_word(w.word, w.freq, w.tag or None)
    return lambda text: tokenizer.lcut(text, HMM=False)


def _rjieba_cut(words: list[UserWord]):
    import rjieba

    segmenter = rjieba.Jieba()
    for w in words:
        segmenter.add_word(w.word, w.freq, w.tag or None)
    return lambda text: segmenter.cut(text, False)


def _rjieba_available() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


_ENGINES = {"jieba": _jieba_cut, "rjieba": _rjieba_cut}


class ChineseTokenizer(BaseEstimator):
    """Callable: text → content tokens (no stopwords, punctuation, spaces or bare numbers).

    `userdict` / `stopwords`: a path replaces the bundled corpus/dict/userdict.txt or
    corpus/stopwords.txt; None uses the bundled file. `for_plan` adds a plan's own words.
    """

    extra_words: tuple[str, ...] = ()
    extra_stopwords: tuple[str, ...] = ()

    def __init__(self, userdict=None, stopwords=None, engine="auto"):
        self.userdict = userdict
        self.stopwords = stopwords
        self.engine = engine

    @staticmethod
    def for_plan(plan, **kwargs) -> ChineseTokenizer:
        """The tokenizer with a plan's `[dictionary]` words and stopwords on top of the bundled
        files (a plain ChineseTokenizer for None or a plan without any)."""
        if plan is None or not (plan.words or plan.stopwords):
            return ChineseTokenizer(**kwargs)
        return PlanTokenizer(extra_words=tuple(plan.words), extra_stopwords=tuple(plan.stopwords), **kwargs)

    @property
    def engine_name(self) -> str:
        """The engine actually used: "auto" resolved."""
        if self.engine == "auto":
            return "rjieba" if _rjieba_available() else "jieba"
        if self.engine not in _ENGINES:
            raise ValueError(f"未知的分词引擎：{self.engine!r}（可选 auto、jieba、rjieba）")
        return self.engine

    def _build(self):
        state = self.__dict__
        if state.get("_cut_fn") is None:
            words = load_userdict(self.userdict)
            known = {w.word for w in words}
            words += [UserWord(w, DEFAULT_FREQ) for w in dict.fromkeys(self.extra_words or ()) if w not in known]
            state["_cut_fn"] = _ENGINES[self.engine_name](words)
            state["_stop"] = load_stopwords(self.stopwords) | {w.lower() for w in self.extra_stopwords or ()}
            state["_verdicts"] = {}
        return state["_cut_fn"], state["_stop"]

    def cut(self, text: str) -> list[str]:
        """Every token the engine produces, unfiltered and unnormalised."""
        cut_fn, _ = self._build()
        return cut_fn(text)

    def __call__(self, text: str) -> list[str]:
        cut_fn, stop = self._build()
        # Filtering, not segmenting, dominated the fast path; a token's verdict is cached
        # (the vocabulary is small next to the token count), bounded in size.
        verdicts = self.__dict__["_verdicts"]
        tokens = cut_fn(normalize(text))
        try:  # every token seen before (most statements): the lookups in one pass, no Python loop
            return [kept for kept in map(verdicts.__getitem__, tokens) if kept]
        except KeyError:
            pass
        out = []
        for token in tokens:
            kept = verdicts.get(token, _UNSEEN)
            if kept is _UNSEEN:
                kept = _content(token, stop)
                if len(verdicts) < _MAX_VERDICTS:
                    verdicts[token] = kept
            if kept:
                out.append(kept)
        return out

    def __getstate__(self):
        state = super().__getstate__()
        state = {k: v for k, v in state.items() if k not in ("_cut_fn", "_stop", "_verdicts")}
        return state


class PlanTokenizer(ChineseTokenizer):
    """ChineseTokenizer plus a plan's own dictionary words and stopwords (`ChineseTokenizer.for_plan`)."""

    def __init__(self, userdict=None, stopwords=None, engine="auto", extra_words=(), extra_stopwords=()):
        super().__init__(userdict=userdict, stopwords=stopwords, engine=engine)
        self.extra_words = extra_words
        self.extra_stopwords = extra_stopwords


# Parts of speech (jieba's dictionary tags) that never name an issue on their own: adverbs
# (几乎、真正), numerals and measure words (一块、很多), pronouns (本地、有些), conjunctions,
# prepositions, particles, time and place words (目前、之间), distinguishing words (所有、现有).
FILLER_TAGS = frozenset("dmrcpuqfyeotb")
_TAGS: dict[str, str] | None = None


def word_tag(word: str) -> str:
    """jieba's dictionary part-of-speech tag of a word ("" when the dictionary lacks it).

    A context-free lookup (no `jieba.posseg` pass over the sentence): cheap enough for
    every vocabulary word, and what a keyword filter needs.
    """
    return (_TAGS if _TAGS is not None else load_tags()).get(word, "")


def load_tags() -> dict[str, str]:
    """The dictionary's word → tag table `word_tag` reads (349,000 words), read on first use.
    `analysis._batch` reads it before it forks its workers, so that each does not read it again."""
    global _TAGS
    if _TAGS is None:
        with open(_jieba_dictionary(), encoding="utf-8") as f:  # word, frequency, tag: one comprehension, no loop
            tags = {parts[0]: parts[2] for parts in map(str.split, f) if len(parts) == 3}
        for w in load_userdict():
            if w.tag:
                tags[w.word] = w.tag
        _TAGS = tags
    return _TAGS


def _jieba_dictionary() -> Path:
    """jieba's dict.txt, found without importing jieba (0.15-0.2 s: it imports pkg_resources), which the
    rjieba engine never needs."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    return Path(spec.origin).with_name("dict.txt")


def is_keyword(token: str) -> bool:
    """Worth showing as a theme keyword or in a word cloud: two characters or more, and
    not a filler part of speech (see FILLER_TAGS; words the dictionary lacks are kept).

    Single characters that survive the stopword list (多、难、找、做) still carry meaning
    inside a sentence, so the models keep them, but alone they read as noise to staff;
    so do adverbs and numerals, which the models keep for the same reason.
    """
    return len(token) >= 2 and word_tag(token)[:1] not in FILLER_TAGS
