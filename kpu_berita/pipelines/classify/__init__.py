"""Activity category of an article (taxonomy.md): rules that have earned it decide, a model
over title, lead sentence, stems and character n-grams decides the rest, and every result has
a calibrated confidence and a needs_review flag.

Modules: labelled (codes, labelled data, frozen split), rules (category_rules.yaml), alternation
(the cue regexes rules compile), features, model (training, calibration), classifier (results),
evaluation (sklearn.metrics), store (versioned models under the home).
"""
from kpu_berita.pipelines.classify.classifier import Classification, Classifier
from kpu_berita.pipelines.classify.evaluation import EvalReport, evaluate, evaluate_frozen, evaluate_grouped_cv, grouped_folds
from kpu_berita.pipelines.classify.labelled import CATEGORY_LABELS, DATA, LabelError
from kpu_berita.pipelines.classify.rules import Rules, RulesError

__all__ = ["CATEGORY_LABELS", "DATA", "Classification", "Classifier", "EvalReport", "LabelError", "Rules",
           "RulesError", "evaluate", "evaluate_frozen", "evaluate_grouped_cv", "grouped_folds"]
