// KQL's series functions.
#include "runtime/exec/series.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace huntc::exec {

namespace {

// A series' points: x[i] where present[i], else missing.
struct Points {
  std::vector<double> x;
  std::vector<bool> present;
  size_t size() const { return x.size(); }
};

std::optional<Points> PointsOf(const Json& series) {
  if (!series.IsArray()) return std::nullopt;
  Points p;
  for (const Json& v : series.items()) {
    const bool number = v.IsNumber() && std::isfinite(v.real());
    p.x.push_back(number ? v.real() : 0);
    p.present.push_back(number);
  }
  return p;
}

// The p-th percentile (0..100) of sorted values, interpolating linearly between ranks.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.size() == 1) return sorted[0];
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (rank - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return Percentile(v, 50);
}

Json Reals(const std::vector<double>& v) {
  Json out = Json::Array();
  for (double d : v) out.Push(Json::Real(d));
  return out;
}

// The Pearson correlation of the first `count` points with the points `lag` later (missing
// points count as the mean); 0 when either side is constant.
double LagCorrelation(const Points& p, size_t count, size_t lag) {
  double sum = 0, present = 0;
  for (size_t i = 0; i < count; ++i) {
    if (p.present[i]) sum += p.x[i], present += 1;
  }
  const double mean = present > 0 ? sum / present : 0;
  const auto at = [&](size_t i) { return p.present[i] ? p.x[i] : mean; };
  const size_t pairs = count - lag;
  double ma = 0, mb = 0;
  for (size_t i = 0; i < pairs; ++i) ma += at(i), mb += at(i + lag);
  ma /= static_cast<double>(pairs);
  mb /= static_cast<double>(pairs);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < pairs; ++i) {
    const double a = at(i) - ma, b = at(i + lag) - mb;
    sab += a * b, saa += a * a, sbb += b * b;
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

// Periods of at least 4 points and at most half the learnt points (series_periods_detect's
// documented range), scored by autocorrelation.
int64_t DetectPeriod(const Points& p, size_t count, double threshold) {
  size_t best = 0;
  double best_score = -1;
  for (size_t lag = 4; lag <= count / 2; ++lag) {
    const double score = LagCorrelation(p, count, lag);
    if (score > best_score) best = lag, best_score = score;
  }
  return best > 0 && best_score >= threshold ? static_cast<int64_t>(best) : 0;
}

struct Decomposition {
  std::vector<double> baseline, seasonal, trend, residual;
  size_t learnt = 0;  // the leading points the components were learnt from
};

std::optional<Decomposition> Decompose(const Points& p, const DecomposeOptions& o) {
  if (o.trend != "avg" && o.trend != "linefit" && o.trend != "none") return std::nullopt;
  if (o.seasonality < -1 || o.test_points < 0) return std::nullopt;
  const size_t n = p.size();
  Decomposition d;
  d.learnt = n - std::min(n, static_cast<size_t>(o.test_points));
  const int64_t period = o.seasonality == -1 ? DetectPeriod(p, d.learnt, o.seasonality_threshold) : o.seasonality;
  // Seasonal: per phase, the median of the learnt points of that phase.
  d.seasonal.assign(n, 0);
  if (period > 0) {
    const size_t len = static_cast<size_t>(period);
    for (size_t phase = 0; phase < len && phase < n; ++phase) {
      std::vector<double> points;
      for (size_t i = phase; i < d.learnt; i += len) {
        if (p.present[i]) points.push_back(p.x[i]);
      }
      const double m = points.empty() ? 0 : Median(std::move(points));
      for (size_t i = phase; i < n; i += len) d.seasonal[i] = m;
    }
  }
  // Trend: of the deseasoned learnt points.
  d.trend.assign(n, 0);
  if (o.trend != "none") {
    double sx = 0, sy = 0, sxx = 0, sxy = 0, count = 0;
    for (size_t i = 0; i < d.learnt; ++i) {
      if (!p.present[i]) continue;
      const double y = p.x[i] - d.seasonal[i], t = static_cast<double>(i);
      sx += t, sy += y, sxx += t * t, sxy += t * y, count += 1;
    }
    if (count > 0) {
      double slope = 0, intercept = sy / count;
      if (o.trend == "linefit" && count > 1 && count * sxx - sx * sx != 0) {
        slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);
        intercept = (sy - slope * sx) / count;
      }
      for (size_t i = 0; i < n; ++i) d.trend[i] = intercept + slope * static_cast<double>(i);
    }
  }
  d.baseline.resize(n);
  d.residual.resize(n);
  for (size_t i = 0; i < n; ++i) {
    d.baseline[i] = d.seasonal[i] + d.trend[i];
    d.residual[i] = p.present[i] ? p.x[i] - d.baseline[i] : 0;
  }
  return d;
}

// Tukey's fence scores of the points, the fences from the percentiles of the first `learnt`
// points that count (present and not ignored).
std::vector<double> TukeyScores(const Points& p, size_t learnt, double low, double high) {
  std::vector<double> sorted;
  for (size_t i = 0; i < learnt; ++i) {
    if (p.present[i]) sorted.push_back(p.x[i]);
  }
  std::vector<double> scores(p.size(), 0);
  if (sorted.empty()) return scores;
  std::sort(sorted.begin(), sorted.end());
  const double q_low = Percentile(sorted, low), q_high = Percentile(sorted, high);
  const double range = q_high - q_low;
  if (range <= 0) return scores;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!p.present[i]) continue;
    if (p.x[i] > q_high) scores[i] = (p.x[i] - q_high) / range;
    else if (p.x[i] < q_low) scores[i] = (p.x[i] - q_low) / range;
  }
  return scores;
}

// The percentiles of a Tukey kind; nullopt for an unknown kind or a range out of [2, 98].
std::optional<std::pair<double, double>> TukeyRange(std::string_view kind, double low, double high) {
  if (kind == "tukey") return std::make_pair(25.0, 75.0);
  if (kind != "ctukey" || low < 2 || high > 98 || low >= high) return std::nullopt;
  return std::make_pair(low, high);
}

bool SameValue(const Json& a, const Json& b) {
  if (a.IsNumber() && b.IsNumber()) return a.real() == b.real();
  return a == b;
}

}  // namespace

Json SeriesStats(const Json& series) {
  Json out = Json::Object();
  std::vector<double> values;
  std::vector<size_t> index;
  if (auto p = PointsOf(series)) {
    for (size_t i = 0; i < p->size(); ++i) {
      if (p->present[i]) values.push_back(p->x[i]), index.push_back(i);
    }
  }
  if (values.empty()) {
    for (const char* key : {"min", "min_idx", "max", "max_idx", "avg", "variance", "stdev"}) out.Append(key, Json());
    return out;
  }
  // The first occurrence of each (minmax_element would give the last maximum).
  const auto min_it = std::min_element(values.begin(), values.end());
  const auto max_it = std::max_element(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  const double avg = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - avg) * (v - avg);
  const double variance = values.size() > 1 ? squares / static_cast<double>(values.size() - 1) : 0;
  out.Append("min", Json::Real(*min_it));
  out.Append("min_idx", Json::Long(static_cast<int64_t>(index[static_cast<size_t>(min_it - values.begin())])));
  out.Append("max", Json::Real(*max_it));
  out.Append("max_idx", Json::Long(static_cast<int64_t>(index[static_cast<size_t>(max_it - values.begin())])));
  out.Append("avg", Json::Real(avg));
  out.Append("variance", Json::Real(variance));
  out.Append("stdev", Json::Real(std::sqrt(variance)));
  return out;
}

Json SeriesFitLine(const Json& series) {
  Json out = Json::Object();
  const std::optional<Points> p = PointsOf(series);
  double sx = 0, sy = 0, count = 0;
  if (p) {
    for (size_t i = 0; i < p->size(); ++i) {
      if (p->present[i]) sx += static_cast<double>(i + 1), sy += p->x[i], count += 1;
    }
  }
  if (count < 2) {
    for (const char* key : {"rsquare", "slope", "variance", "rvariance", "interception", "line_fit"}) out.Append(key, Json());
    return out;
  }
  const double mx = sx / count, my = sy / count;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < p->size(); ++i) {
    if (!p->present[i]) continue;
    const double dx = static_cast<double>(i + 1) - mx, dy = p->x[i] - my;
    sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
  }
  const double slope = sxy / sxx, intercept = my - slope * mx;
  double residual = 0;
  std::vector<double> line(p->size());
  for (size_t i = 0; i < p->size(); ++i) {
    line[i] = intercept + slope * static_cast<double>(i + 1);
    if (p->present[i]) residual += (p->x[i] - line[i]) * (p->x[i] - line[i]);
  }
  out.Append("rsquare", Json::Real(syy > 0 ? 1 - residual / syy : 1));
  out.Append("slope", Json::Real(slope));
  out.Append("variance", Json::Real(syy / (count - 1)));
  out.Append("rvariance", Json::Real(residual / (count - 1)));
  out.Append("interception", Json::Real(intercept));
  out.Append("line_fit", Reals(line));
  return out;
}

int64_t DetectSeasonality(const Json& series, double threshold) {
  const std::optional<Points> p = PointsOf(series);
  return p ? DetectPeriod(*p, p->size(), threshold) : 0;
}

std::optional<Json> SeriesDecompose(const Json& series, const DecomposeOptions& options) {
  const std::optional<Points> p = PointsOf(series);
  if (!p) return std::nullopt;
  const std::optional<Decomposition> d = Decompose(*p, options);
  if (!d) return std::nullopt;
  Json out = Json::Object();
  out.Append("baseline", Reals(d->baseline));
  out.Append("seasonal", Reals(d->seasonal));
  out.Append("trend", Reals(d->trend));
  out.Append("residual", Reals(d->residual));
  return out;
}

std::optional<Json> SeriesOutliers(const Json& series, std::string_view kind, std::optional<double> ignore,
                                   double min_percentile, double max_percentile) {
  std::optional<Points> p = PointsOf(series);
  const auto range = TukeyRange(kind, min_percentile, max_percentile);
  if (!p || !range) return std::nullopt;
  if (ignore) {
    for (size_t i = 0; i < p->size(); ++i) p->present[i] = p->present[i] && p->x[i] != *ignore;
  }
  return Reals(TukeyScores(*p, p->size(), range->first, range->second));
}

std::optional<Json> SeriesDecomposeAnomalies(const Json& series, double threshold, const DecomposeOptions& options,
                                             std::string_view method) {
  const std::optional<Points> p = PointsOf(series);
  const auto range = TukeyRange(method, 10, 90);
  if (!p || !range) return std::nullopt;
  const std::optional<Decomposition> d = Decompose(*p, options);
  if (!d) return std::nullopt;
  const Points residual{d->residual, p->present};
  const std::vector<double> scores = TukeyScores(residual, d->learnt, range->first, range->second);
  Json flags = Json::Array();
  for (double s : scores) flags.Push(Json::Long(s > threshold ? 1 : s < -threshold ? -1 : 0));
  Json out = Json::Object();
  out.Append("ad_flag", std::move(flags));
  out.Append("ad_score", Reals(scores));
  out.Append("baseline", Reals(d->baseline));
  return out;
}

std::optional<Json> SeriesFill(const Json& series, FillKind kind, const Json& missing, const Json& constant,
                               bool fill_edges) {
  if (!series.IsArray()) return std::nullopt;
  std::vector<Json> v = series.items();
  const size_t n = v.size();
  std::vector<bool> hole(n);
  for (size_t i = 0; i < n; ++i) hole[i] = SameValue(v[i], missing);
  switch (kind) {
    case FillKind::Const:
      for (size_t i = 0; i < n; ++i) {
        if (hole[i]) v[i] = constant;
      }
      break;
    case FillKind::Forward:
      for (size_t i = 1; i < n; ++i) {
        if (hole[i] && !hole[i - 1]) v[i] = v[i - 1], hole[i] = false;
      }
      break;
    case FillKind::Backward:
      for (size_t i = n; i-- > 1;) {
        if (hole[i - 1] && !hole[i]) v[i - 1] = v[i], hole[i - 1] = false;
      }
      break;
    case FillKind::Linear: {
      // Between two numbers, the straight line; before the first and after the last, the
      // nearest number when fill_edges; a series without numbers takes the constant.
      std::vector<size_t> known;
      for (size_t i = 0; i < n; ++i) {
        if (!hole[i] && v[i].IsNumber()) known.push_back(i);
      }
      if (known.empty()) {
        for (size_t i = 0; i < n; ++i) {
          if (hole[i]) v[i] = constant;
        }
        break;
      }
      for (size_t k = 0; k + 1 < known.size(); ++k) {
        const size_t a = known[k], b = known[k + 1];
        for (size_t i = a + 1; i < b; ++i) {
          if (!hole[i]) continue;
          const double t = static_cast<double>(i - a) / static_cast<double>(b - a);
          v[i] = Json::Real(v[a].real() + t * (v[b].real() - v[a].real()));
        }
      }
      if (fill_edges) {
        for (size_t i = 0; i < known.front(); ++i) {
          if (hole[i]) v[i] = v[known.front()];
        }
        for (size_t i = known.back() + 1; i < n; ++i) {
          if (hole[i]) v[i] = v[known.back()];
        }
      }
      break;
    }
  }
  return Json::Array(std::move(v));
}

}  // namespace huntc::exec
