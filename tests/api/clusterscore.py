#!/usr/bin/env python3
"""clusterscore.py - compare a clustering with true labels (Python standard library only).

    from clusterscore import score, load_tsv
    rows = load_tsv("tests/groups/questions.tsv")      # [(intent, text), ...]
    m = score([i for i, _ in rows], predicted_group_ids)
    # {'precision', 'recall', 'f1', 'ari', 'nmi', 'n', 'true_clusters', 'pred_clusters'}

    python3 tests/api/clusterscore.py                  # self-check

Labels may be any hashable values; only equality matters. Everything is computed from the
contingency table (true label x predicted label -> count), so the cost is O(n + cells), not O(n^2).

Pairwise scores count unordered pairs of items:
  TP = pairs in the same true cluster and the same predicted cluster = sum_ij C(n_ij, 2)
  precision = TP / (pairs in the same predicted cluster) = TP / sum_j C(b_j, 2)
  recall    = TP / (pairs in the same true cluster)      = TP / sum_i C(a_i, 2)
  f1        = 2 P R / (P + R)
  A ratio whose denominator is 0 (no pairs predicted together, or none truly together) is 1.0:
  no pair was wrongly joined / no pair could be missed. f1 is 0.0 when P + R = 0.

ARI is Hubert and Arabie's adjusted Rand index, as scikit-learn's adjusted_rand_score: 1.0 when
the two partitions agree on every pair (this covers identical labelings, both all-singletons,
both one cluster, and n < 2), otherwise
  2 (TP TN - FN FP) / ((TP + FN)(FN + TN) + (TP + FP)(FP + TN)),
which equals (index - expected) / (mean(sum_a, sum_b) - expected) and never divides by zero
once the agreeing case is taken out.

NMI is normalized mutual information with the arithmetic mean of the two entropies, as
scikit-learn's normalized_mutual_info_score (average_method="arithmetic"): 1.0 when both
labelings have exactly one cluster (or there are no items); 0.0 when the mutual information is 0
(e.g. one side is a single cluster and the other is not); otherwise MI / ((H_true + H_pred) / 2).
Natural logarithms (the base cancels).
"""
import math
import sys
from collections import Counter

__all__ = ["score", "load_tsv", "contingency"]


def _c2(k):
    return k * (k - 1) // 2


def contingency(labels_true, labels_pred):
    """Return (cells, row_sums, col_sums, n): Counters keyed by (t, p), t and p."""
    labels_true = list(labels_true)
    labels_pred = list(labels_pred)
    if len(labels_true) != len(labels_pred):
        raise ValueError("labels_true and labels_pred differ in length: %d != %d"
                         % (len(labels_true), len(labels_pred)))
    cells = Counter(zip(labels_true, labels_pred))
    rows = Counter(labels_true)
    cols = Counter(labels_pred)
    return cells, rows, cols, len(labels_true)


def _entropy(counts, n):
    h = 0.0
    for c in counts:
        if c:
            p = c / n
            h -= p * math.log(p)
    return h


def score(labels_true, labels_pred):
    """Pairwise precision/recall/F1, ARI and NMI of a predicted clustering against true labels."""
    cells, rows, cols, n = contingency(labels_true, labels_pred)

    # Pair counts (unordered pairs), exact integers.
    tp = sum(_c2(v) for v in cells.values())
    same_true = sum(_c2(v) for v in rows.values())   # tp + fn
    same_pred = sum(_c2(v) for v in cols.values())   # tp + fp
    total = _c2(n)
    fp = same_pred - tp
    fn = same_true - tp
    tn = total - tp - fp - fn

    precision = tp / same_pred if same_pred else 1.0
    recall = tp / same_true if same_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0

    # ARI (Hubert-Arabie), in scikit-learn's pair-confusion form.
    if fn == 0 and fp == 0:
        ari = 1.0
    else:
        ari = 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))

    # NMI, arithmetic normalisation.
    k_true, k_pred = len(rows), len(cols)
    if (k_true == k_pred == 1) or (k_true == k_pred == 0):
        nmi = 1.0
    else:
        mi = 0.0
        for (t, p), nij in cells.items():
            # nij/n * log(n * nij / (a_i * b_j))
            mi += nij / n * (math.log(nij) + math.log(n) - math.log(rows[t]) - math.log(cols[p]))
        mi = max(mi, 0.0)
        if mi <= 1e-15:
            nmi = 0.0
        else:
            h_true = _entropy(rows.values(), n)
            h_pred = _entropy(cols.values(), n)
            normalizer = max((h_true + h_pred) / 2.0, sys.float_info.epsilon)
            nmi = min(mi / normalizer, 1.0)

    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": ari,
        "nmi": nmi,
        "n": n,
        "true_clusters": k_true,
        "pred_clusters": k_pred,
        "pairs_tp": tp,
        "pairs_fp": fp,
        "pairs_fn": fn,
        "pairs_tn": tn,
    }


def load_tsv(path):
    """Read an `intent<TAB>text` file with a header line; return [(intent, text), ...]."""
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if lineno == 1 and line == "intent\ttext":
                continue
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2:
                raise ValueError("%s:%d: expected 2 tab-separated fields, got %d"
                                 % (path, lineno, len(parts)))
            out.append((parts[0], parts[1]))
    return out


def _selfcheck():
    failures = []

    def close(name, got, want, tol=1e-9):
        if not (abs(got - want) <= tol):
            failures.append("%s: got %r, want %r" % (name, got, want))

    # Identical labelings (and renamed labels): everything is perfect.
    for pred in ([0, 0, 1, 1, 2], ["b", "b", "a", "a", "z"]):
        m = score([0, 0, 1, 1, 2], pred)
        for k in ("precision", "recall", "f1", "ari", "nmi"):
            close("identical/%s" % k, m[k], 1.0)

    # Hand-computed: true [0,0,1,1], pred [0,0,1,2].
    # cells: (0,0)=2 (1,1)=1 (1,2)=1; TP = 1, same_true = 2, same_pred = 1, total = 6.
    # P = 1, R = 1/2, F1 = 2/3. expected = 2*1/6 = 1/3, mean = 3/2,
    # ARI = (1 - 1/3) / (3/2 - 1/3) = 4/7.
    # MI = 1/2 ln2 + 1/4 ln2 + 1/4 ln2 = ln2; H_true = ln2; H_pred = 3/2 ln2;
    # NMI = ln2 / (5/4 ln2) = 0.8.
    m = score([0, 0, 1, 1], [0, 0, 1, 2])
    close("small/precision", m["precision"], 1.0)
    close("small/recall", m["recall"], 0.5)
    close("small/f1", m["f1"], 2.0 / 3.0)
    close("small/ari", m["ari"], 4.0 / 7.0)
    close("small/nmi", m["nmi"], 0.8)
    assert (m["true_clusters"], m["pred_clusters"]) == (2, 3), m

    # Hand-computed: true [a,a,a,b,b,b], pred [x,x,y,y,z,z].
    # cells: (a,x)=2 (a,y)=1 (b,y)=1 (b,z)=2; TP = 2; same_true = 3+3 = 6; same_pred = 1+1+1 = 3;
    # total = 15; FP = 1, FN = 4, TN = 8.  P = 2/3, R = 1/3, F1 = 4/9.
    # ARI = 2 (2*8 - 4*1) / ((6)(12) + (3)(9)) = 24 / 99 = 8/33.
    # MI = 2 * [2/6 ln(6*2/(3*2))] + 2 * [1/6 ln(6*1/(3*2))] = 2/3 ln2;
    # H_true = ln2; H_pred = ln3; NMI = (2/3 ln2) / ((ln2 + ln3) / 2).
    m = score(list("aaabbb"), list("xxyyzz"))
    close("six/precision", m["precision"], 2.0 / 3.0)
    close("six/recall", m["recall"], 1.0 / 3.0)
    close("six/f1", m["f1"], 4.0 / 9.0)
    close("six/ari", m["ari"], 8.0 / 33.0)
    close("six/nmi", m["nmi"], (2.0 / 3.0 * math.log(2)) / ((math.log(2) + math.log(3)) / 2))
    assert (m["pairs_tp"], m["pairs_fp"], m["pairs_fn"], m["pairs_tn"]) == (2, 1, 4, 8), m

    # scikit-learn docstring values.
    close("sk/ari_discordant", score([0, 0, 1, 1], [0, 1, 0, 1])["ari"], -0.5)
    close("sk/ari_swap", score([0, 0, 1, 2], [0, 0, 1, 1])["ari"], 4.0 / 7.0)
    close("sk/nmi_perm", score([0, 0, 1, 1], [1, 1, 0, 0])["nmi"], 1.0)
    close("sk/nmi_split", score([0, 0, 0, 0], [0, 1, 2, 3])["nmi"], 0.0)
    close("sk/ari_split", score([0, 0, 0, 0], [0, 1, 2, 3])["ari"], 0.0)

    # Edge cases: no division by zero.
    # Both all-singletons: ARI = 1 (no pair disagrees), NMI = 1 (MI = H = ln n).
    m = score([0, 1, 2, 3], [9, 8, 7, 6])
    close("singletons/ari", m["ari"], 1.0)
    close("singletons/nmi", m["nmi"], 1.0)
    close("singletons/f1", m["f1"], 1.0)
    # Both one cluster: ARI = 1, NMI = 1 (sklearn's special case).
    m = score([5] * 6, ["x"] * 6)
    close("one/ari", m["ari"], 1.0)
    close("one/nmi", m["nmi"], 1.0)
    close("one/f1", m["f1"], 1.0)
    # Predicting all singletons for a real clustering: P = 1 (vacuous), R = 0, F1 = 0,
    # ARI = 0, NMI > 0 (MI = H_true).
    m = score([0, 0, 1, 1], [0, 1, 2, 3])
    close("predsingle/precision", m["precision"], 1.0)
    close("predsingle/recall", m["recall"], 0.0)
    close("predsingle/f1", m["f1"], 0.0)
    close("predsingle/ari", m["ari"], 0.0)
    close("predsingle/nmi", m["nmi"], math.log(2) / ((math.log(2) + math.log(4)) / 2))
    # Predicting one cluster for a real clustering: P = 2/6, R = 1, ARI = 0, NMI = 0.
    m = score([0, 0, 1, 1], [7, 7, 7, 7])
    close("predone/precision", m["precision"], 2.0 / 6.0)
    close("predone/recall", m["recall"], 1.0)
    close("predone/ari", m["ari"], 0.0)
    close("predone/nmi", m["nmi"], 0.0)
    # True all singletons, predicted one cluster.
    m = score([0, 1, 2], [0, 0, 0])
    close("truesingle/ari", m["ari"], 0.0)
    close("truesingle/nmi", m["nmi"], 0.0)
    close("truesingle/recall", m["recall"], 1.0)
    close("truesingle/precision", m["precision"], 0.0)
    # Tiny inputs.
    for t, p in (([], []), ([1], [2])):
        m = score(t, p)
        close("tiny%d/ari" % len(t), m["ari"], 1.0)
        close("tiny%d/nmi" % len(t), m["nmi"], 1.0)
    try:
        score([1, 2], [1])
        failures.append("length mismatch not rejected")
    except ValueError:
        pass

    # Symmetry: ARI and NMI are symmetric; precision and recall swap.
    a = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3]
    b = [1, 1, 2, 2, 2, 3, 3, 0, 0, 0]
    m1, m2 = score(a, b), score(b, a)
    close("sym/ari", m1["ari"], m2["ari"], 1e-12)
    close("sym/nmi", m1["nmi"], m2["nmi"], 1e-12)
    close("sym/pr", m1["precision"], m2["recall"], 1e-12)

    # Cross-check pair counts against the O(n^2) definition on a pseudo-random case.
    import random
    rng = random.Random(7)
    t = [rng.randrange(6) for _ in range(80)]
    p = [rng.randrange(9) for _ in range(80)]
    m = score(t, p)
    tp = fp = fn = tn = 0
    for i in range(80):
        for j in range(i + 1, 80):
            st, sp = t[i] == t[j], p[i] == p[j]
            tp += st and sp
            fp += sp and not st
            fn += st and not sp
            tn += not st and not sp
    assert (m["pairs_tp"], m["pairs_fp"], m["pairs_fn"], m["pairs_tn"]) == (tp, fp, fn, tn), m
    total = tp + fp + fn + tn
    rand = (tp + tn) / total
    exp = (tp + fn) * (tp + fp) / total
    ari = (tp - exp) / (((tp + fn) + (tp + fp)) / 2 - exp)
    close("random/ari", m["ari"], ari, 1e-12)
    assert 0.0 <= rand <= 1.0

    if failures:
        for f in failures:
            print("FAIL", f)
        return 1
    print("clusterscore: all self-checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--tsv":
        rows = load_tsv(sys.argv[2])
        c = Counter(i for i, _ in rows)
        print("%d questions, %d intents" % (len(rows), len(c)))
        sys.exit(0)
    sys.exit(_selfcheck())
