"""Unit tests of bench.py's arithmetic (python3 bench/test_bench.py; stdlib only)."""

import importlib.util
import os
import unittest

# By path: `bench` is also the name of this directory.
_spec = importlib.util.spec_from_file_location("bench_py", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def run(krps, cpu):
    return {"rps": krps * 1000, "cpu_us_per_req": cpu}


class ThroughputAdjusted(unittest.TestCase):
    def test_recovers_offsets_under_a_common_slope(self):
        # CPU/req = offset − 10 µs per 1,000 req/s; each variant sampled at other rates, so the raw
        # means mislead (the module ran at lower rates and looks costlier than it is).
        offsets = {"none": 150.0, "floor-wasm": 158.0, "rbac": 160.0, "filter": 159.0, "dynamic-module": 151.0}
        rates = {"none": [8.0, 9.0, 7.0], "floor-wasm": [6.0, 8.5, 7.5], "rbac": [9.5, 8.0, 6.5],
                 "filter": [7.0, 7.2, 9.1], "dynamic-module": [5.0, 6.0, 5.5]}
        runs = {v: [run(x, offsets[v] - 10 * x) for x in rates[v]] for v in offsets}
        a = bench.throughput_adjusted(runs)
        self.assertAlmostEqual(a["slope_us_per_krps"], -10.0, places=9)
        self.assertAlmostEqual(a["residual_sd_us"], 0.0, places=6)
        c = a["compare"]
        self.assertAlmostEqual(c["dynamic-module"]["none"][0], 1.0, places=9)
        self.assertAlmostEqual(c["filter"]["floor-wasm"][0], 1.0, places=9)
        self.assertAlmostEqual(c["dynamic-module"]["rbac"][0], -9.0, places=9)
        raw = sum(r["cpu_us_per_req"] for r in runs["dynamic-module"]) / 3 - sum(r["cpu_us_per_req"] for r in runs["none"]) / 3
        self.assertGreater(raw, 20)  # what the raw means would have said

    def test_standard_error_grows_with_noise(self):
        quiet = {"none": [run(8, 70), run(9, 60.5), run(7, 80)], "filter": [run(8, 72), run(7, 81.5), run(9, 62)]}
        noisy = {"none": [run(8, 70), run(9, 66), run(7, 74)], "filter": [run(8, 78), run(7, 76), run(9, 62)]}
        se = [bench.throughput_adjusted(r)["compare"]["filter"]["none"][1] for r in (quiet, noisy)]
        self.assertLess(se[0], se[1])

    def test_a_variant_far_above_the_floor_is_left_out(self):
        runs = {"none": [run(8, 70), run(9, 61), run(7, 79)], "rbac": [run(0.01, 9000), run(0.02, 8000)],
                "dynamic-module": [run(8, 71), run(7, 80), run(9, 62)]}
        a = bench.throughput_adjusted(runs)
        self.assertNotIn("rbac", a["variants"])
        self.assertNotIn("rbac", a["compare"]["dynamic-module"])
        lines = "\n".join(bench.adjusted_lines({"10": {v: {"runs": r} for v, r in runs.items()}}))
        self.assertIn("met: cheaper than RBAC (RBAC over 3× no filter)", lines)

    def test_one_round_gives_nothing(self):
        self.assertIsNone(bench.throughput_adjusted({"none": [run(8, 70)], "filter": [run(8, 75)]}))
        self.assertIsNone(bench.throughput_adjusted({"filter": [run(8, 75), run(9, 70)]}))

    def test_verdicts(self):
        runs = {"none": [run(8, 70), run(9, 60), run(7, 80)],
                "floor-wasm": [run(8, 78), run(9, 68), run(7, 88)],
                "filter": [run(8, 83), run(9, 73), run(7, 93)],  # +5 over the wasm floor: not met
                "dynamic-module": [run(8, 71.5), run(9, 61.5), run(7, 81.5)],  # +1.5: met
                "rbac": [run(8, 77), run(9, 67), run(7, 87)]}
        lines = bench.adjusted_lines({"10": {v: {"runs": r} for v, r in runs.items()}})
        row = {v: next(l for l in lines if f"| {bench.LABELS[v]} |" in l) for v in runs}
        self.assertIn("**not met**: ≤ wasm floor", row["filter"])
        self.assertIn("met: ≤ no filter (floor) + 2 µs", row["dynamic-module"])
        self.assertIn("met: cheaper than RBAC", row["dynamic-module"])
        self.assertIn("+5.0 ± 0.0", row["filter"])


WRK_NOTHING_COMPLETED = """Running 5s test @ http://127.0.0.1:10000/api/items
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 5.01s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


def wrk_round(wrk_requests, envoy_requests=16, cpu=335000.0):
    return {"wrk_requests": wrk_requests, "envoy_requests": envoy_requests, "cpu_us_per_req": cpu}


class Rounds(unittest.TestCase):
    def test_no_completed_request_has_no_latency(self):
        r = bench.parse_wrk(WRK_NOTHING_COMPLETED)
        self.assertEqual((r["wrk_requests"], r["rps"], r["p50_ms"], r["p99_ms"]), (0, 0.0, None, None))
        r = bench.parse_wrk(WRK_NOTHING_COMPLETED.replace("  0 requests", "  12 requests").replace("50%    0.00us", "50%    1.50ms"))
        self.assertEqual((r["wrk_requests"], r["p50_ms"]), (12, 1.5))

    def test_a_slow_round_among_completed_ones_is_measured(self):
        self.assertEqual(bench.round_problems(100000, "rbac", [wrk_round(3), wrk_round(0), wrk_round(2)]), [])

    def test_a_variant_that_never_completes_hangs(self):
        problems = bench.round_problems(10, "filter", [wrk_round(0), wrk_round(0)])
        self.assertEqual(len(problems), 2)
        self.assertIn("N=10 filter round 1", problems[0])

    def test_a_round_envoy_did_not_serve_fails(self):
        self.assertEqual(len(bench.round_problems(10, "none", [wrk_round(5), wrk_round(0, envoy_requests=0, cpu=None)])), 1)


if __name__ == "__main__":
    unittest.main()
