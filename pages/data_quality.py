"""Data quality: how much of each report the parser could read, where values came from, where
sources disagree, and how fresh and costly the loads were."""
import streamlit as st

from radar import charts, data, sidebar, widgets

f = sidebar.render()
st.title("Data quality")

st.subheader("Parse coverage per field")
coverage = data.query("coverage", f)
if widgets.empty_notice(coverage[coverage["with_value"] + coverage["unknown"] > 0]):
    st.stop()
st.caption("Share of the filtered usage-related reports with a value for each field; an error "
           "category that only the fallback gave (no specific evidence) counts as unknown.")
widgets.chart(charts.bars(coverage, "field", "percent"), "coverage_chart", select=False)
widgets.table(coverage, "parse-coverage", f)
if coverage.attrs.get("not_a_version"):
    st.warning(f"{coverage.attrs['not_a_version']:,} reports state a version that does not sort as a release number.")

st.subheader("Where values came from")
mix = data.query("provenance_mix", f)
widgets.chart(charts.heatmap(mix, "source", "field", "reports"), "provenance_heatmap", select=False)
widgets.csv_download(mix, "value-sources", f)

st.subheader("Why issues count as usage-related, or not")
st.caption("Every issue keeps the rule and the phrase that decided (the issue report shows its own). "
           "Issue bodies only, usage-related or not, within the other filters.")
widgets.table(data.query("usage_reasons", f), "usage-reasons", f)

st.subheader("How strong the evidence is")
st.caption("Issue reports per evidence tier, strongest first: a client message (one the taxonomy's vocabulary "
           "lists with its client), a payload's error type, an HTTP status or an attached error are quoted errors; "
           "an unlisted message pattern, a topic or a weak topic is mostly the reporter's own words; fallback is "
           "no specific evidence. The Evidence filter keeps chosen tiers everywhere.")
widgets.table(data.query("evidence_tiers", f), "evidence-tiers", f)

st.subheader("Texts the parser failed on")
failures = data.query("parse_failures", f)
st.caption(f"{failures.attrs.get('total', 0):,} reports (issue bodies, report comments and me-toos, usage-related "
           "or not) were stored empty because the parser raised an error; each keeps the error.")
widgets.table(failures, "parse-failures", f, when_empty="The parser read every text without an error.")

st.subheader("Where triagers disagreed with the parser")
by_field = data.query("disagreement_by_field", f)
if by_field.empty:
    st.info("No triage correction yet: correct a reading on an issue's report or on the Issues page.")
else:
    st.caption("Corrections in force per field; `parser_disagrees`: those that say otherwise than the parser "
               "reads the issue now, as a share of every issue read. `python -m etl corrections export` writes them "
               "as labelled lines that `benchmarks/bench_parse.py --labels FILE` scores.")
    widgets.table(by_field, "disagreement-by-field", f)
    st.caption("Per category the parser gave: issues, and those a triager said it misread (any field).")
    widgets.table(data.query("disagreement_by_category", f), "disagreement-by-category", f)
    widgets.table(data.query("corrections_list", f), "corrections", f)

st.subheader("Conflicting sources: platform label vs the report")
st.caption("Issues whose maintainer label `platform:…` names another operating system than the one "
           "read from the issue text (the label is the curated source).")
widgets.table(data.query("label_conflicts", f), "label-conflicts", f,
              when_empty="No platform label disagrees with the parsed operating system.")

st.subheader("Sync lag")
widgets.table(data.query("sync_lag"), "sync-lag", f)

st.subheader("Loads and API budget per sync")
runs = data.query("sync_runs", f.repo)
widgets.table(runs, "sync-runs", f)
failed = runs[runs["outcome"].fillna("") != "ok"]
st.subheader("Last errors")
if failed.empty:
    st.info("No failed or interrupted load on record.")
else:
    widgets.table(failed[["run_id", "repo", "kind", "finished_at", "outcome", "detail"]], "last-errors", f)
