"""Independent reference for AccessInequalityTests: the weighted Gini by the pairwise mean absolute
difference (not the Lorenz trapezoids the engine uses), the weighted Theil T by its definition, and,
with equal weights, PySAL inequality's formulas (Gini from the sorted cumulative sum; Theil as
sum(s * log(n * s)), s = y / sum(y)). Run: python3 inequality_reference.py"""
import math

scores = [0.0, 0.0125, 0.0031, 0.0208, 0.0125, 0.0477, 0.0009, 0.0333, 0.0071, 0.0208, 0.0154, 0.0402]
weights = [1200, 830, 15400, 2210, 640, 9100, 3300, 480, 7020, 1990, 5600, 260]

def gini_pairwise(x, w):
    W = sum(w); mu = sum(a * b for a, b in zip(x, w)) / W
    s = sum(wi * wj * abs(xi - xj) for xi, wi in zip(x, w) for xj, wj in zip(x, w))
    return s / (2 * W * W * mu)

def theil(x, w):
    W = sum(w); mu = sum(a * b for a, b in zip(x, w)) / W
    return sum(wi * (xi / mu) * math.log(xi / mu) for xi, wi in zip(x, w) if xi > 0) / W

def gini_pysal(y):
    # PySAL inequality.gini._gini: n + 1 - 2 * sum(cumsum(sorted y)) / total, over n
    y = sorted(y); n = len(y); c = 0.0; cs = 0.0
    for v in y:
        c += v; cs += c
    return (n + 1 - 2 * cs / c) / n

def theil_pysal(y):
    n = len(y); t = sum(y)
    return sum((v / t) * math.log(n * v / t) for v in y if v > 0)

print("weighted gini %.17g" % gini_pairwise(scores, weights))
print("weighted theil %.17g" % theil(scores, weights))
print("equal gini %.17g pysal %.17g" % (gini_pairwise(scores, [1] * 12), gini_pysal(scores)))
print("equal theil %.17g pysal %.17g" % (theil(scores, [1] * 12), theil_pysal(scores)))
