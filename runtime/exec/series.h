// KQL's series functions (dynamic arrays of numbers, as make-series and make_list build them) as
// plain C++ over Json values, so they can be unit-tested alone. The interpreter
// (runtime/exec/eval.cpp) applies them to columns. A point that is not a finite number is
// missing: statistics skip it, decompositions neither learn from it nor score it. Failure
// (an argument KQL rejects) is nullopt, which KQL shows as null.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "runtime/exec/json.h"

namespace huntc::exec {

// series_stats_dynamic: {min, min_idx, max, max_idx, avg, variance, stdev} over the numbers of
// an array; variance and stdev are the sample ones (n - 1). Null members when there are none.
Json SeriesStats(const Json& series);

// series_fit_line_dynamic: {rsquare, slope, variance, rvariance, interception, line_fit} of the
// least-squares line through the points (x = 1, 2, ...); variances are sample variances.
Json SeriesFitLine(const Json& series);

// The period (in points) series_decompose uses for seasonality -1: the lag, among 4 .. n/2,
// whose autocorrelation is highest, if that reaches `threshold`; else 0 (no seasonality).
int64_t DetectSeasonality(const Json& series, double threshold);

struct DecomposeOptions {
  int64_t seasonality = -1;     // -1: detect; 0: none; else the period in points
  std::string_view trend = "avg";  // avg, linefit or none
  int64_t test_points = 0;      // trailing points left out of the learning
  double seasonality_threshold = 0.6;
};

// series_decompose: {baseline, seasonal, trend, residual}; seasonal is the median of the points
// of the same phase, trend the average or least-squares line of the deseasoned points,
// baseline = seasonal + trend, residual = x - baseline.
std::optional<Json> SeriesDecompose(const Json& series, const DecomposeOptions& options);

// series_outliers: Tukey's fence scores: (x - p_high) / (p_high - p_low) above p_high,
// (x - p_low) / (p_high - p_low) below p_low, else 0, with the percentiles 25/75 (tukey) or
// min/max_percentile (ctukey, default 10/90). Missing points (and `ignore`) score 0.
std::optional<Json> SeriesOutliers(const Json& series, std::string_view kind, std::optional<double> ignore,
                                   double min_percentile, double max_percentile);

// series_decompose_anomalies: {ad_flag, ad_score, baseline}: the decomposition's residual scored
// by series_outliers (`method` tukey or ctukey) and flagged +1 / -1 beyond +-threshold.
std::optional<Json> SeriesDecomposeAnomalies(const Json& series, double threshold, const DecomposeOptions& options,
                                             std::string_view method);

// series_fill_forward / _backward / _linear / _const: the points equal to `missing` (null by
// default) replaced by the previous / next / interpolated (edges: the nearest, when fill_edges)
// / constant value.
enum class FillKind : uint8_t { Forward, Backward, Linear, Const };
std::optional<Json> SeriesFill(const Json& series, FillKind kind, const Json& missing, const Json& constant,
                               bool fill_edges);

}  // namespace huntc::exec
