"""Generate N realistic research records into a site folder, deterministically.

    python bench/generate.py N OUTDIR [--seed S]

writes OUTDIR/content/records/<slug>.md (YAML front matter following
paper-manifest-v1.1 and correction-record-v1, then a Markdown report) and the
artifacts that verified or failed gates point at, under
OUTDIR/content/artifacts/<slug>/, with their real SHA-256.

Record i depends only on (seed, i): the first 1,000 records of a 10,000-record
corpus are the 1,000-record corpus. Nothing reads the clock, the locale or the
environment, so the same arguments always give the same bytes.

The records follow the rules `sitegen check` applies across fields: the claim
lineage equals the source-grounded claim count, the correction status follows
from the entries, a verified gate has an artifact and an evaluation time, and
the tier is the one the thresholds in sitegen/defaults/site.yaml give. About
one record in fifty carries a deliberate warning seen in real records (a
registered external record without a DOI), so a check of the corpus reports a
few warnings and no errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

GENERATOR_VERSION = "1"
DEFAULT_SEED = 20260610
_REPO = Path(__file__).resolve().parent.parent
_DEFAULTS = _REPO / "sitegen" / "defaults" / "site.yaml"

# --- vocabulary ---------------------------------------------------------------------------------

TASKS = [
    "named entity recognition", "part-of-speech tagging", "dependency parsing", "machine translation",
    "extractive question answering", "sentiment analysis", "natural language inference", "text classification",
    "relation extraction", "abstractive summarisation", "entity linking", "coreference resolution",
    "semantic role labelling", "intent detection", "slot filling", "event extraction", "keyphrase extraction",
    "fact verification", "hate speech detection", "morphological inflection", "lexical normalisation",
    "clinical concept extraction", "code-switched language identification", "dialogue state tracking",
]
TASK_ABBR = {
    "named entity recognition": "NER", "part-of-speech tagging": "POS tagging", "machine translation": "MT",
    "extractive question answering": "QA", "natural language inference": "NLI", "relation extraction": "RE",
    "semantic role labelling": "SRL", "dialogue state tracking": "DST", "entity linking": "EL",
}
METHODS = [
    "contrastive prototype learning", "prompt tuning", "adapter fine-tuning", "knowledge distillation",
    "translate-train data augmentation", "translate-test inference", "self-training with pseudo-labels",
    "vocabulary extension", "instruction tuning", "retrieval-augmented generation", "curriculum learning",
    "code-switched data augmentation", "parameter-efficient fine-tuning", "meta-learning", "multi-task learning",
    "continued pretraining on target-language text", "label projection with word alignment",
    "LLM-generated synthetic training data", "dual contrastive learning", "in-context learning",
    "LoRA fine-tuning", "sparse mixture-of-experts routing", "cross-lingual embedding alignment",
]
MODELS = [
    "XLM-R", "XLM-R Large", "mBERT", "mT5", "mT5-XL", "BLOOMZ", "Llama 3 8B", "Llama 2 13B", "Mistral 7B",
    "mDeBERTa-v3", "RemBERT", "InfoXLM", "ByT5", "Aya-101", "Qwen2 7B", "GPT-3.5", "GPT-4", "Gemma 7B",
    "AfroXLMR", "IndicBERT", "LaBSE", "NLLB-200", "XGLM", "CANINE",
]
DATASETS = [
    "WikiANN", "XTREME", "XTREME-R", "MasakhaNER 2.0", "CoNLL-2003", "OntoNotes 5.0", "WNUT-17", "XNLI",
    "PAWS-X", "TyDi QA", "MLQA", "XQuAD", "FLORES-200", "Universal Dependencies 2.12", "AmericasNLI",
    "MultiCoNER II", "IndicXTREME", "SIB-200", "Belebele", "MASSIVE", "X-FACTR", "NusaX", "AfriSenti",
]
LANGUAGES = [
    "Swahili", "Yoruba", "Hausa", "Igbo", "Amharic", "Kinyarwanda", "Wolof", "Zulu", "Hindi", "Bengali",
    "Marathi", "Tamil", "Telugu", "Urdu", "Nepali", "Sinhala", "Arabic", "Persian", "Turkish", "Kazakh",
    "Uzbek", "Tagalog", "Indonesian", "Javanese", "Vietnamese", "Thai", "Burmese", "Khmer", "Quechua",
    "Guarani", "Aymara", "Basque", "Welsh", "Irish", "Icelandic", "Maltese", "Estonian", "Finnish",
    "Hungarian", "Greek", "Georgian", "Armenian", "German", "Spanish", "Portuguese", "French", "Chinese",
    "Japanese", "Korean", "Russian",
]
SETTINGS = [
    "low-resource languages", "zero-shot cross-lingual transfer", "few-shot learning", "clinical text",
    "code-switched social media text", "noisy user-generated text", "historical documents", "legal text",
    "under-represented scripts", "domain shift", "adversarial input perturbations", "long documents",
    "morphologically rich languages", "speech transcripts", "typologically diverse languages",
]
METRICS = ["F1", "macro-F1", "accuracy", "exact match", "chrF++", "BLEU", "span-level F1", "LAS", "ROUGE-L"]
ASPECTS = [
    "Accuracy Degradation", "Robustness", "Sample Efficiency", "Calibration", "Transfer Gaps",
    "Scaling Behaviour", "Failure Modes", "Evaluation Practice", "Annotation Cost", "Tokenisation Effects",
    "Script Sensitivity", "Data Contamination", "Compute Cost",
]
SURNAMES = [
    "Nath", "Vajjala", "Balasubramaniam", "Calix", "Srinivasan", "Pan", "Hu", "Conneau", "Lample", "Wu",
    "Dredze", "Pires", "Schlinger", "Garrette", "Adelani", "Ogueji", "Muller", "Pfeiffer", "Vulic", "Ruder",
    "Ponti", "Glavas", "Lauscher", "Artetxe", "Schwenk", "Xue", "Chi", "Ouyang", "Ahuja", "Kakwani",
    "Khanuja", "Joshi", "Santy", "Choudhury", "Winata", "Cahyawijaya", "Aji", "Zhou", "Liu", "Zhang",
    "Wang", "Chen", "Li", "Yang", "Kim", "Park", "Tanaka", "Sato", "Nguyen", "Tran", "Okafor", "Mensah",
    "Diallo", "Haddow", "Birch", "Koehn", "Post", "Goyal", "Costa-jussa", "Fan", "Ebrahimi", "Kann",
    "Mager", "Rijhwani", "Anastasopoulos", "Neubig", "Hovy", "Plank", "Bjerva", "Augenstein", "Sogaard",
    "de Lhoneux", "Nivre", "Zeman", "Tsarfaty", "Goldberg", "Schuster", "Manning", "Jurafsky", "Bender",
]
PUBLISHERS = ["Assignee Research"] * 8 + ["Assignee Research Labs", "Open Synthesis Collective"]
VENUES = ["acl-long", "emnlp-main", "naacl-long", "findings-acl", "findings-emnlp", "eacl-main", "coling-main"]
CORRECTION_KINDS_MINOR = ["correction", "erratum", "clarification", "addendum", "new-version", "partial-retraction"]
CHANGEABLE_FIELDS = ["review_score", "abstract", "claims", "references", "gate.reason", "quality.evidence_strength",
                     "quality.citation_grounding", "tier.tier", "verification.source_grounded_claims", "title"]

ACTIVATED = dt.date(2026, 6, 10)  # gate 2 activation in sitegen/defaults/site.yaml
FIRST_DAY = dt.date(2026, 1, 5)
LAST_DAY = dt.date(2026, 10, 30)
LAST_CORRECTION = dt.date(2026, 11, 30)  # no date in the future: check refuses one (future-date)


# --- text ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Topic:
    """What one record is about; every sentence of the record draws on it."""

    task: str
    method: str
    baseline: str
    model: str
    model2: str
    dataset: str
    dataset2: str
    setting: str
    metric: str
    aspect: str
    languages: tuple[str, ...]


def _short(task: str) -> str:
    return TASK_ABBR.get(task, task)


def _cite(rng: random.Random) -> str:
    """A narrative citation, e.g. 'Adelani et al. (2022)'."""
    year = rng.randint(2017, 2025)
    names = rng.sample(SURNAMES, 2)
    if rng.random() < 0.6:
        return f"{names[0]} et al. ({year})"
    return f"{names[0]} and {names[1]} ({year})"


def _num(rng: random.Random, lo: float, hi: float, places: int = 1) -> str:
    return f"{rng.uniform(lo, hi):.{places}f}"


def _sentence(rng: random.Random, t: Topic, kind: str) -> str:
    lang, lang2 = rng.sample(t.languages, 2)
    c = _cite(rng)
    task = _short(t.task)
    pools = {
        "intro": [
            f"{t.task.capitalize()} remains difficult for {t.setting}, where annotated data is scarce and evaluation sets are small.",
            f"Multilingual encoders such as {t.model} and {t.model2} are routinely fine-tuned on English data and applied to other languages without target-language labels.",
            f"{c} reported that {t.method} narrows the gap between high-resource and low-resource languages on {t.dataset}.",
            f"Much of the published evidence comes from {t.dataset} and {t.dataset2}, which differ in annotation guidelines and domain.",
            f"The question matters in practice because teams working on {lang} or {lang2} rarely have more than a few hundred labelled sentences.",
            f"Earlier surveys treated {t.method} and {t.baseline} as interchangeable, but the studies collected here suggest they fail in different ways.",
            f"This synthesis asks how {t.method} affects {t.aspect.lower()} in {task} under {t.setting}.",
            f"Reported gains are often measured in {t.metric} on a handful of languages, which makes comparisons across papers fragile.",
            f"Several studies note that subword vocabularies allocate few tokens to {lang}, a property that interacts with any transfer method.",
            f"{c} argued that {t.aspect.lower()} is under-reported because most evaluations stop at {t.dataset}.",
            f"For {lang}, the only public test set for {task} contains fewer than {rng.choice([300, 500, 800, 1200])} sentences.",
            f"Interest in {t.method} grew after {c} showed gains for {lang2} with no labelled data at all.",
            f"Large language models such as {t.model2} add a second option: prompting instead of fine-tuning.",
            f"The cost of annotation for {lang} is estimated at {rng.randint(3, 12)} times that for English, which motivates transfer.",
            f"Whether results on {t.dataset2} carry over to {t.setting} has not been examined systematically.",
            f"We focus on {task} because it is the most common downstream task in the retrieved literature on {t.method}.",
        ],
        "method": [
            f"We searched four bibliographic databases and two preprint servers for studies of {t.method} applied to {task}.",
            f"Inclusion required a quantitative comparison against {t.baseline} on at least one public benchmark.",
            f"Studies that evaluated only on English, or that did not report {t.metric}, were excluded at the screening stage.",
            "Claims were extracted from the results sections of the retrieved papers and matched to the sentences that support them.",
            "Each claim was verified against the retrieved source by a separate model, which also recorded a confidence between 0 and 1.",
            "Where a paper reported several configurations we kept the one its authors presented as the main result.",
            f"Scores on {t.dataset} were normalised to the official test split so that numbers from different papers could be compared.",
            "Disagreements between reviewers were resolved by a third automated pass with access to the full text.",
            f"Language coverage was recorded per study, together with the script and the amount of pretraining text for {lang}.",
            f"The search string combined the terms '{t.method}', '{task}' and the names of {rng.randint(20, 120)} languages.",
            "Duplicate preprints and journal versions were merged, keeping the version with the most complete results table.",
            f"For studies using {t.model}, we recorded the checkpoint and the fine-tuning budget in GPU hours.",
            f"Results for {lang2} were kept separate because its test set was re-annotated in {rng.randint(2021, 2025)}.",
            f"Effect sizes were pooled with a random-effects model over {rng.randint(6, 24)} comparisons.",
        ],
        "results": [
            f"On {t.dataset}, {t.method} improved {t.metric} by {_num(rng, 0.4, 9.5)} points on average over {t.baseline}.",
            f"The largest gain was reported for {lang} ({_num(rng, 2, 14)} points), the smallest for {lang2} ({_num(rng, -1.5, 1.5)} points).",
            f"With {t.model}, the gap to in-language supervised training shrank from {_num(rng, 12, 30)} to {_num(rng, 3, 11)} points of {t.metric}.",
            f"{c} found no significant difference on {t.dataset2} once the random seed was varied across {rng.randint(3, 10)} runs.",
            "Gains were consistently larger for languages written in non-Latin scripts than for those sharing the English alphabet.",
            f"Several studies reported that the benefit disappears when more than {rng.choice([500, 1000, 2000, 5000])} labelled target-language sentences are available.",
            f"Replacing {t.model} with {t.model2} changed the ranking of methods in {rng.randint(2, 6)} of the {rng.randint(7, 15)} languages studied.",
            f"The pooled estimate across studies was {_num(rng, 0.5, 6.0)} points of {t.metric}, with a wide interval reflecting differences in setup.",
            f"Only {rng.randint(2, 6)} of the retrieved papers released code, and none reported the variance of their main result.",
            f"For {lang}, {t.baseline} remained the stronger option in {rng.randint(2, 5)} of the studies that compared both.",
            f"{c} observed that {t.model2} overtakes {t.model} only above {rng.choice(['1B', '3B', '7B', '13B'])} parameters.",
            f"Error analyses attribute most remaining mistakes on {lang2} to entity boundaries rather than entity types.",
            f"The studies on {t.dataset2} agree in direction but not in size: estimates range from {_num(rng, 0.1, 2)} to {_num(rng, 4, 12)} points.",
            f"Calibration, where reported, worsened after {t.method} in {rng.randint(2, 4)} of the {rng.randint(5, 9)} settings examined.",
        ],
        "limits": [
            "This report is a machine-generated literature synthesis and does not constitute original research.",
            "Automated retrieval may have missed relevant studies, in particular those published in languages other than English.",
            "The studies differ in tokenisation, training budget and hyperparameter search, which limits the comparability of their numbers.",
            f"Benchmarks such as {t.dataset} contain known annotation errors for {lang}, which bound the accuracy any method can show.",
            "Review scores reflect automated assessment, not human peer review; readers should consult the primary sources.",
            f"Publication bias is likely: negative results for {t.method} are rarely written up.",
            "Verification of claims was automated and may accept a claim whose source supports it only in part.",
            f"Few studies cover {lang2}, so the pooled estimate says little about it.",
            f"Numbers for {t.model2} come from papers that may have tuned prompts on the test data.",
            "The synthesis does not weigh studies by their quality beyond the inclusion criteria.",
        ],
    }
    return rng.choice(pools[kind])


def _paragraph(rng: random.Random, t: Topic, kind: str, budget: int, used: set[str]) -> tuple[str, int]:
    """Sentences of one kind until about `budget` words, avoiding sentences already in `used`."""
    sentences: list[str] = []
    words = 0
    tries = 0
    while words < budget and tries < 60:
        tries += 1
        s = _sentence(rng, t, kind)
        if s in used and tries < 50:
            continue
        used.add(s)
        sentences.append(s)
        words += len(s.split())
    text = " ".join(sentences)
    # A little inline Markdown, as real reports have.
    if rng.random() < 0.3:
        text = text.replace(t.dataset, f"*{t.dataset}*", 1)
    if rng.random() < 0.2:
        text = text.replace(t.metric, f"**{t.metric}**", 1)
    return text, words


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=88, break_long_words=False, break_on_hyphens=False)


def _body(rng: random.Random, t: Topic, words_target: int) -> str:
    """The report: Introduction, Methodology, Results, Limitations, about `words_target` words in all."""
    shares = {"intro": 0.28, "method": 0.24, "results": 0.32, "limits": 0.16}
    headings = {"intro": "Introduction", "method": "Methodology", "results": "Results", "limits": "Limitations"}
    parts: list[str] = []
    used: set[str] = set()
    for kind, share in shares.items():
        budget = int(words_target * share)
        parts.append(f"## {headings[kind]}")
        section_words = 1
        if kind == "method" and rng.random() < 0.6:
            steps = [
                f"search: {rng.randint(3, 6)} databases, {rng.choice(['2019', '2020', '2021'])} to 2026",
                f"screening: {rng.randint(80, 400)} abstracts, {rng.randint(8, 30)} full texts",
                f"extraction: claims with their supporting sentences and {t.metric} values",
                "verification: each claim checked against the retrieved source",
            ]
            parts.append("\n".join(f"- {s}" for s in steps))
            section_words += len(parts[-1].split())
        if kind == "results" and rng.random() < 0.5:
            langs = rng.sample(t.languages, min(4, len(t.languages)))
            rows = ["| Language | Baseline | With method |", "|---|---:|---:|"]
            for lang in langs:
                base = rng.uniform(35, 80)
                rows.append(f"| {lang} | {base:.1f} | {base + rng.uniform(-1, 9):.1f} |")
            parts.append(f"Reported {t.metric} on {t.dataset} in the included studies:")
            parts.append("\n".join(rows))
            section_words += len(parts[-1].split()) + len(parts[-2].split())
        while section_words < budget:
            para, n = _paragraph(rng, t, kind, min(budget - section_words, rng.randint(60, 110)), used)
            parts.append(_wrap(para))
            section_words += n
    return "\n\n".join(parts) + "\n"


def _claim(rng: random.Random, t: Topic) -> str:
    lang = rng.choice(t.languages)
    c = _cite(rng)
    options = [
        f"{t.method.capitalize()} improves {t.metric} on {t.dataset} by {_num(rng, 0.3, 9)} points over {t.baseline}.",
        f"{c} report that {t.model} transfers poorly to {lang} without target-language pretraining.",
        f"Gains from {t.method} shrink as labelled {lang} data grows beyond {rng.choice([200, 500, 1000, 2000])} sentences.",
        f"{t.model2} outperforms {t.model} on {t.dataset2} in {rng.randint(2, 12)} of {rng.randint(12, 20)} languages.",
        f"The effect of {t.method} is larger for non-Latin scripts such as {lang}.",
        f"Evaluation on {t.dataset} overestimates transfer quality because of entity overlap with the training split.",
        f"We evaluate on {rng.randint(5, 40)} language pairs drawn from a pool of {rng.randint(40, 200)} languages.",
        f"{c} found that tokenisation fertility in {lang} explains {rng.randint(20, 70)}% of the variance in {t.metric}.",
        f"Combining {t.method} with {t.baseline} yields no additional gain on {t.dataset}.",
        f"Random seed variation alone changes {t.metric} on {lang} by up to {_num(rng, 0.5, 4)} points.",
        f"Translate-test with NLLB-200 is competitive with {t.method} for {lang} {_short(t.task)}.",
        f"Annotation projection errors account for most false negatives in {lang}.",
    ]
    text = rng.choice(options)
    if rng.random() < 0.25 and len(text) > 120:
        text = text[:120]  # extracted claims are sometimes cut short, as on the source pages
    return text


def _artifact_text(rng: random.Random, record_id: str, title: str, kind: str, computed: float, expected: float,
                   evaluated: str) -> str:
    if kind == "lean4-proof":
        n = rng.randint(2, 9)
        return (f"/-\nGate 2 proof for {record_id}.\n\nRecord: {title}.\n\nThe bound stated in the report, restated and "
                f"checked by Lean 4 on {evaluated}.\n-/\n\n"
                f"theorem transfer_gap_bound (a b : Nat) (h : a ≤ b) : a ≤ b + {n} := by\n  omega\n\n"
                f"theorem claims_nonneg (k : Nat) : 0 ≤ k := Nat.zero_le k\n")
    if kind == "repro-results":
        return json.dumps({"record": record_id, "evaluated": evaluated, "computed": computed, "expected": expected,
                           "tolerance": 0.05, "passed": abs(computed - expected) <= 0.05 * abs(expected)},
                          indent=2, sort_keys=True) + "\n"
    return (f'"""Gate 2 tolerance check for {record_id}.\n\nRecord: {title}.\n\n'
            f"The sealed-sandbox formula reproduction evaluated on {evaluated} computed\n{computed} where the report "
            f"states {expected}. This script re-runs that comparison with\nthe values recorded in the gate reason.\n\n"
            'Run: python repro.py   (exit status 0 when the check passes, 1 when not)\n"""\n\nimport sys\n\n'
            f"COMPUTED = {computed}  # value computed in the sealed sandbox\n"
            f"EXPECTED = {expected}  # value stated in the report\n"
            "TOLERANCE = 0.05  # relative tolerance, 5.0%\n\n\n"
            "def main() -> int:\n    deviation = abs(COMPUTED - EXPECTED) / abs(EXPECTED)\n"
            "    if deviation > TOLERANCE:\n        print(f\"Computed {COMPUTED} differs from expected {EXPECTED}\")\n"
            "        return 1\n    print(f\"Computed {COMPUTED} matches expected {EXPECTED}\")\n    return 0\n\n\n"
            'if __name__ == "__main__":\n    sys.exit(main())\n')


# --- YAML writing -------------------------------------------------------------------------------

def _q(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _folded(key: str, text: str, indent: int = 0) -> list[str]:
    pad = " " * indent
    body = textwrap.wrap(text, width=78 - indent, break_long_words=False, break_on_hyphens=False)
    return [f"{pad}{key}: >-"] + [f"{pad}  {line}" for line in body]


def _plain_ok(text: str) -> bool:
    return (text == text.strip() and len(text) < 70 and not any(ch in text for ch in ":#'\"[]{},&*!|>%@`")
            and not text[0] in "-?")


def _tier_rules() -> dict[str, dict[str, Any]]:
    with open(_DEFAULTS, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["tiers"]


def expected_tier(score: float | None, verified_claims: int, gate_status: str, tiers: dict[str, dict[str, Any]]) -> str:
    """The highest tier whose thresholds the values meet (the rule `sitegen check` applies)."""
    for tier in ("doi-grade", "flagship-candidate"):
        rule = tiers[tier]
        if "min_score" in rule and (score is None or score < rule["min_score"]):
            continue
        if verified_claims < rule.get("min_verified_claims", 0):
            continue
        if rule.get("requires_verified_gate") and gate_status != "verified":
            continue
        return tier
    return "watchlist"


def _status_for(kinds: Sequence[str]) -> str:
    if not kinds:
        return "current"
    # The order sitegen/records/validate.py applies (there a removal withdraws the record too).
    for kind, status in (("withdrawal", "withdrawn"), ("removal", "withdrawn"), ("retraction", "retracted"),
                         ("expression-of-concern", "expression-of-concern")):
        if kind in kinds:
            return status
    return "corrected"


def _timestamp(rng: random.Random, day: dt.date) -> str:
    t = dt.datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                    rng.randint(0, 999_999), tzinfo=dt.timezone.utc)
    return t.isoformat() if rng.random() < 0.7 else t.replace(microsecond=0).isoformat()


def _slugify(text: str) -> str:
    out = []
    for word in text.lower().replace("/", " ").split():
        word = "".join(ch for ch in word if ch.isascii() and (ch.isalnum() or ch == "-")).strip("-")
        if word and word not in {"a", "an", "the", "of", "for", "in", "and", "to", "on", "under", "with", "do", "does"}:
            out.append(word)
    return "-".join(out[:6])


@dataclass(frozen=True, slots=True)
class GeneratedRecord:
    """One record's file name, text and the artifact files it points at."""

    slug: str
    text: str
    artifacts: tuple[tuple[str, bytes], ...]  # (path relative to content/, bytes)


def make_record(index: int, seed: int = DEFAULT_SEED, tiers: dict[str, dict[str, Any]] | None = None) -> GeneratedRecord:
    """Record number `index` of the corpus for `seed`; independent of how many are generated."""
    tiers = tiers or _tier_rules()
    rng = random.Random(f"sitegen-bench:{GENERATOR_VERSION}:{seed}:{index}")
    langs = tuple(rng.sample(LANGUAGES, rng.randint(3, 8)))
    method, baseline = rng.sample(METHODS, 2)
    model, model2 = rng.sample(MODELS, 2)
    dataset, dataset2 = rng.sample(DATASETS, 2)
    t = Topic(rng.choice(TASKS), method, baseline, model, model2, dataset, dataset2, rng.choice(SETTINGS),
              rng.choice(METRICS), rng.choice(ASPECTS), langs)
    task = _short(t.task)
    title = rng.choice([
        f"{t.method.capitalize()} for {task} in {t.setting.capitalize()}: {t.aspect}",
        f"Scaling {t.method.capitalize()} to {t.model} for Cross-Lingual {task}",
        f"{t.aspect} of {t.model} under {t.method.capitalize()}: Evidence from {t.dataset}",
        f"Does {t.method.capitalize()} Help {task} for {langs[0]} and {langs[1]}? A Synthesis",
        f"{t.method.capitalize()} versus {t.baseline.capitalize()} for {t.task.capitalize()}",
    ])
    slug = f"{_slugify(title)}-{index:05d}"
    id_hash = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:8].upper()
    record_id = f"SRCH:{id_hash}"

    submitted = FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    before = submitted <= ACTIVATED
    roll = rng.random()
    if before:
        status = "unverified" if roll < 0.68 else "verified" if roll < 0.9 else "failed"
    else:
        status = "verified" if roll < 0.45 else "unverified" if roll < 0.65 else "failed" if roll < 0.85 else "pending"

    # Claims first: the level, the tier and the counts follow from them.
    level = rng.choices(["L1", "L2", "L3", "L4"], weights=[5, 55, 25, 15])[0]
    n_claims = rng.randint(10, 25)
    verify_rate = 0.0 if level == "L1" else rng.uniform(0.65, 1.0)
    claims = []
    for _ in range(n_claims):
        text = _claim(rng, t)
        verified = rng.random() < verify_rate
        conf = rng.uniform(0.25, 0.55) if verified else rng.uniform(0.05, 0.2)
        claims.append((text, verified, None if rng.random() < 0.05 else round(conf, 2)))
    verified_count = sum(1 for _, v, _ in claims if v)
    grounded = 0 if level == "L1" else n_claims
    score = None if rng.random() < 0.04 else round(rng.uniform(6.2, 9.6), rng.choice([1, 2]))

    has_doi = rng.random() < 0.55
    doi = f"10.5281/zenodo.{rng.randint(10_000_000, 29_999_999)}" if has_doi else None
    registered = has_doi or rng.random() < 0.04  # a few registered without a DOI: the doi-missing warning
    public_level = "L4" if registered else rng.choice(["L2", "L3", "L3"])
    tier = expected_tier(score, verified_count, status, tiers)

    artifacts: list[tuple[str, bytes]] = []
    gate_lines = ["gate:", "  gate: 2", f"  status: {status}"]
    computed = round(rng.uniform(0.1, 500), rng.choice([1, 2, 3]))
    evaluated_day = max(submitted, ACTIVATED) + dt.timedelta(days=rng.randint(0, 20))
    evaluated = _timestamp(rng, evaluated_day)
    if status == "verified":
        expected = round(computed * rng.uniform(0.97, 1.03), 3)
        kind = rng.choices(["repro-script", "lean4-proof", "url"], weights=[70, 20, 10])[0]
        if kind == "lean4-proof":
            reason = "Lean4 proof of the report's transfer-gap bound type-checks (lean 4.9.0, no sorry)."
            code = "proof-checked"
        else:
            reason = (f"Sealed-sandbox formula repro: Computed {computed} matches expected {expected} "
                      f"(tolerance=5.0%).")
            code = "sandbox-reproduced"
        gate_lines += [f"  reason: {_q(reason)}", f"  reason_code: {code}", f"  evaluated: {_q(evaluated)}", "  artifact:"]
        if kind == "url":
            gate_lines += ["    kind: repro-script",
                           f"    url: https://zenodo.org/records/{rng.randint(10_000_000, 29_999_999)}/files/repro.py"]
        else:
            name = "Proof.lean" if kind == "lean4-proof" else "repro.py"
            data = _artifact_text(rng, record_id, title, kind, computed, expected, evaluated).encode()
            path = f"artifacts/{slug}/{name}"
            artifacts.append((path, data))
            gate_lines += [f"    kind: {kind}", f"    path: {path}", f"    sha256: {hashlib.sha256(data).hexdigest()}"]
    elif status == "failed":
        expected = round(computed * rng.uniform(1.2, 2.0), 3)
        reason = (f"Sealed-sandbox formula repro: Computed {computed} differs from expected {expected} "
                  f"by more than the tolerance (tolerance=5.0%).")
        gate_lines += [f"  reason: {_q(reason)}", "  reason_code: reproduction-failed", f"  evaluated: {_q(evaluated)}"]
        if rng.random() < 0.5:
            data = _artifact_text(rng, record_id, title, "repro-results", computed, expected, evaluated).encode()
            path = f"artifacts/{slug}/results.json"
            artifacts.append((path, data))
            gate_lines += ["  artifact:", "    kind: repro-results", f"    path: {path}",
                           f"    sha256: {hashlib.sha256(data).hexdigest()}"]
    elif status == "pending":
        gate_lines += ["  reason: A sealed-sandbox reproduction of the report's main figure is under way.",
                       "  reason_code: in-progress", f"  evaluated: {_q(evaluated)}"]
    elif before:
        gate_lines += _folded("reason", "Published before the Gate 2 verification pipeline was activated (2026-06-10). "
                              "No formal proof or sandbox reproduction has been attempted for this record.", 2)
        gate_lines += ["  reason_code: pre-pipeline"]
    else:
        gate_lines += _folded("reason", "No formal proof or sandbox reproduction has been attempted for this record "
                              "yet; it is a literature synthesis only.", 2)
        gate_lines += ["  reason_code: not-attempted"]

    # Corrections: most records have none; the rest get 1-3 entries in date order.
    entries: list[dict[str, Any]] = []
    if rng.random() < 0.15:
        day = submitted
        for n in range(rng.choices([1, 2, 3], weights=[70, 22, 8])[0]):
            day = min(day + dt.timedelta(days=rng.randint(0, 40)), LAST_CORRECTION)
            sev = rng.random()
            kind = ("retraction" if sev < 0.04 else "withdrawal" if sev < 0.055 else "removal" if sev < 0.06 else
                    "expression-of-concern" if sev < 0.12 else rng.choice(CORRECTION_KINDS_MINOR))
            fields = sorted(rng.sample(CHANGEABLE_FIELDS, rng.randint(1, 3)))
            summary = {
                "retraction": "The record is retracted: its central claim rests on a source that was itself retracted.",
                "withdrawal": "Withdrawn by the publisher at the request of the submitting team.",
                "removal": "Removed for legal reasons; the record's identifier and this notice remain.",
                "expression-of-concern": f"Concerns were raised that results on {t.dataset} overlap with the pretraining data of {t.model}.",
            }.get(kind, f"The {fields[0].replace('_', ' ')} was revised after a reviewer found an error in the "
                        f"extraction from {_cite(rng)}.")
            entry = {"id": f"C{n + 1}", "date": day.isoformat(), "kind": kind, "summary": summary, "fields": fields}
            if rng.random() < 0.6:
                entry["notice"] = f"https://registry.example.org/notices/{record_id[5:].lower()}-c{n + 1}"
            entries.append(entry)

    abstract, _ = _paragraph(rng, t, "intro", rng.randint(70, 110), set())
    if rng.random() < 0.2:
        abstract = abstract.replace(t.model, f"`{t.model}`", 1)
    question = (f"How does {t.method} affect {t.aspect.lower()} in {t.task} for {t.setting}, compared with "
                f"{t.baseline}, on benchmarks such as {t.dataset}?")
    comment = rng.random() < 0.1  # some records carry import comments, as real ones do

    lines = ["---", "contract: paper-manifest-v1.1", f"id: {record_id}" + ("  # minted on import" if comment else "")]
    lines += [f"title: {title}"] if _plain_ok(title) else _folded("title", title) if len(title) > 70 else [f"title: {_q(title)}"]
    lines.append(f"submitted: {submitted.isoformat()}")
    if rng.random() < 0.3:
        lines.append("language: " + rng.choice(["en", "en", "en", "en-GB"]))
    if doi:
        lines.append(f"doi: {doi}")
    lines.append(f"publisher: {rng.choice(PUBLISHERS)}")
    lines += _folded("abstract", abstract)
    lines += _folded("research_question", question)
    if score is not None:
        lines.append(f"review_score: {score}")
    lines += ["verification:", f"  level: {level}", f"  source_grounded_claims: {grounded}"]
    if rng.random() < 0.9:
        lines.append("  claim_record_source: parsed source sections")
    lines += gate_lines
    lines += ["tier:", f"  tier: {tier}"]
    if rng.random() < 0.7:
        lines += _folded("basis", tiers[tier]["basis"], 2)
    q = ["low", "medium", "high"]
    lines += ["quality:"] + [f"  {k}: {rng.choices(q, weights=[2, 5, 3])[0]}" for k in
                             ("evidence_strength", "citation_grounding", "uncertainty_disclosure", "reproducibility")]
    lines += ["provenance:", "  contract: source-provenance-v1", f"  public_provenance: {public_level}",
              f"  report_artifact: {'available' if rng.random() < 0.95 else 'unavailable'}",
              f"  external_record: {'registered' if registered else 'not-registered'}",
              f"  claim_lineage: {grounded}" + ("  # equals source_grounded_claims" if comment else ""),
              "  review_method: Automated multi-reviewer assessment"]
    if rng.random() < 0.85:
        lines += _folded("note", "Machine-generated synthesis of existing literature. Not primary research.", 2)
    lines += ["corrections:", "  contract: correction-record-v1", f"  status: {_status_for([e['kind'] for e in entries])}"]
    if not entries:
        lines.append("  entries: []")
    else:
        lines.append("  entries:")
        for e in entries:
            lines += [f"    - id: {e['id']}", f"      date: {e['date']}", f"      kind: {e['kind']}"]
            lines += _folded("summary", e["summary"], 6)
            lines.append(f"      fields: [{', '.join(e['fields'])}]")
            if "notice" in e:
                lines.append(f"      notice: {e['notice']}")
    lines.append("claims:")
    for text, verified, conf in claims:
        lines += [f"  - text: {_q(text)}", f"    verified: {'true' if verified else 'false'}"]
        if conf is not None:
            lines.append(f"    confidence: {conf:.2f}")
    lines.append("references:")
    for _ in range(rng.randint(3, 8)):
        if rng.random() < 0.6:
            lines.append(f"  - http://arxiv.org/abs/{rng.randint(1804, 2510)}.{rng.randint(1000, 29999):05d}v{rng.randint(1, 3)}")
        else:
            ref_title = f"{rng.choice(METHODS).capitalize()} for {rng.choice(TASKS)} in {rng.choice(LANGUAGES)}"
            year = rng.randint(2018, 2025)
            lines += [f"  - title: {_q(ref_title)}",
                      f"    url: https://aclanthology.org/{year}.{rng.choice(VENUES)}.{rng.randint(1, 900)}/"]
    lines.append("---")
    body = _body(rng, t, rng.randint(600, 820))  # sentence granularity adds up to ~60 words
    return GeneratedRecord(slug, "\n".join(lines) + "\n" + body, tuple(artifacts))


@dataclass(frozen=True, slots=True)
class Corpus:
    """What generate_site wrote."""

    root: Path
    records: int
    record_bytes: int
    artifacts: int
    slugs: tuple[str, ...]


def generate_site(outdir: Path, n: int, seed: int = DEFAULT_SEED) -> Corpus:
    """Write n records (and their artifacts) under outdir/content; replaces outdir/content/records."""
    outdir = Path(outdir)
    records_dir = outdir / "content" / "records"
    records_dir.mkdir(parents=True, exist_ok=True)
    for stale in records_dir.glob("*.md"):
        stale.unlink()
    tiers = _tier_rules()
    total = 0
    n_artifacts = 0
    slugs = []
    for index in range(n):
        record = make_record(index, seed, tiers)
        data = record.text.encode("utf-8")
        (records_dir / f"{record.slug}.md").write_bytes(data)
        total += len(data)
        slugs.append(record.slug)
        for rel, blob in record.artifacts:
            target = outdir / "content" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
            n_artifacts += 1
    return Corpus(outdir, n, total, n_artifacts, tuple(sorted(slugs)))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: python bench/generate.py N OUTDIR [--seed S]."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many records")
    parser.add_argument("outdir", type=Path, help="the site folder to write (content/records/ is replaced)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"corpus seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    corpus = generate_site(args.outdir, args.n, args.seed)
    print(f"wrote {corpus.records} records ({corpus.record_bytes / max(corpus.records, 1) / 1024:.1f} KiB each on "
          f"average, {corpus.record_bytes / 1048576:.1f} MiB) and {corpus.artifacts} artifacts to {corpus.root}/content")
    return 0


if __name__ == "__main__":
    sys.exit(main())
