from __future__ import annotations

from tellus.linkage.engine import load_febrl, run_febrl_eval


def test_febrl_loaders_never_expose_the_social_security_number():
    for name in ("febrl1", "febrl4"):
        records, _ = load_febrl(name)
        assert "soc_sec_id" not in records.columns


def test_febrl1_deduplication_reaches_an_f1_of_at_least_0_995():
    result = run_febrl_eval("febrl1")
    assert result["f1"] >= 0.995, result
    assert set(result) >= {"precision", "recall", "f1", "seconds"}


def test_febrl4_linkage_without_the_social_security_number_reaches_an_f1_of_at_least_0_998():
    result = run_febrl_eval("febrl4")
    assert result["f1"] >= 0.998, result
