//! The Intentions view in windows: what the page draws of a workspace with thousands of
//! intentions. The whole view (every ranked row, every cell of the source × destination matrix
//! with its explanation) is megabytes at 2,000 intentions; the page shows a few dozen rows or a
//! filtered matrix at a time. [`IntentionWindows`] keeps the rows, the matrix's endpoints and each
//! cell's deciding rank, and writes a cell's explanation only when a window shows it.
//! [`Analysis::intentions`] is the same data whole, for the tests and the CLI.

use super::{Analysis, Cell, Endpoint, IntentionRow, IntentionsView, Matrix, OTHER};
use crate::intentions::Action;
use crate::settings::Mode;
use rustc_hash::FxHashSet;
use serde::Serialize;

/// Above this many cells (after filtering) the matrix is drawn as the list of the pairs an
/// intention decides instead: a 40 × 40 table is about what a screen can show.
pub const MATRIX_LIMIT: usize = 40 * 40;

/// The ranked rows, the matrix's endpoints and the rank deciding each cell of one workspace.
#[derive(Clone, Debug)]
pub struct IntentionWindows {
    default_policy: Action,
    mode: Mode,
    rows: Vec<IntentionRow>,
    sources: Vec<Endpoint>,
    destinations: Vec<Endpoint>,
    /// `ranks[s * destinations.len() + d]`: the index in the ranking of the intention deciding
    /// `sources[s]` → `destinations[d]`, if one does.
    ranks: Vec<Option<usize>>,
}

/// What the Intentions view needs up front; the matrix and the list come in windows.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IntentionsSummary {
    pub default_policy: Action,
    pub mode: Mode,
    /// How many intentions, sources and destinations (the matrix's rows and columns).
    pub intentions: usize,
    pub sources: usize,
    pub destinations: usize,
}

/// The names Simulate suggests: the matrix's services, each once, without "(other)".
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IntentionNames {
    pub sources: Vec<String>,
    pub destinations: Vec<String>,
}

/// A window of the matrix: sources and destinations filtered by a substring of their labels
/// (case-insensitive; empty keeps all).
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MatrixQuery {
    pub source: String,
    pub destination: String,
    /// For the list form: the first pair and how many.
    pub start: usize,
    pub count: usize,
}

/// A window of the ranked list, filtered by a substring of the label (case-insensitive).
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListQuery {
    pub filter: String,
    pub start: usize,
    pub count: usize,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListSlice {
    /// Rows that pass the filter.
    pub total: usize,
    pub start: usize,
    pub rows: Vec<IntentionRow>,
}

/// The filtered matrix: a table when it has at most [`MATRIX_LIMIT`] cells, else the pairs an
/// intention decides (every other pair falls to the default policy), in matrix order.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MatrixSlice {
    Table {
        sources: Vec<Endpoint>,
        destinations: Vec<Endpoint>,
        /// `cells[s][d]` for `sources[s]` calling `destinations[d]`.
        cells: Vec<Vec<Cell>>,
        all_sources: usize,
        all_destinations: usize,
    },
    List {
        /// Sources and destinations that pass the filters.
        sources: usize,
        destinations: usize,
        all_sources: usize,
        all_destinations: usize,
        /// The most cells drawn as a table.
        limit: usize,
        /// Decided pairs among the filtered ones.
        total: usize,
        start: usize,
        pairs: Vec<Pair>,
    },
}

/// One decided pair of the list form.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Pair {
    /// Row and column in the whole matrix.
    pub s: usize,
    pub d: usize,
    pub source: Endpoint,
    pub destination: Endpoint,
    pub cell: Cell,
}

/// A case-insensitive substring test; an empty (or blank) filter keeps everything.
fn matcher(filter: &str) -> impl Fn(&str) -> bool {
    let filter = filter.trim().to_ascii_lowercase();
    move |text: &str| filter.is_empty() || text.to_ascii_lowercase().contains(&filter)
}

impl IntentionWindows {
    pub(super) fn new(a: &Analysis) -> IntentionWindows {
        let ranked = a.ranked();
        let (sources, destinations) = a.matrix_endpoints(ranked);
        let ranks = sources.iter().flat_map(|s| destinations.iter().map(|d| a.deciding(s, d))).collect();
        IntentionWindows {
            default_policy: a.settings.default_intention_policy,
            mode: a.settings.mode,
            rows: ranked.iter().enumerate().map(|(i, x)| super::intention_row(i + 1, x)).collect(),
            sources,
            destinations,
            ranks,
        }
    }

    fn rank(&self, s: usize, d: usize) -> Option<usize> {
        self.ranks.get(s * self.destinations.len() + d).copied().flatten()
    }

    fn cell(&self, a: &Analysis, s: usize, d: usize) -> Option<Cell> {
        let destination = self.destinations.get(d)?;
        Some(a.cell(a.ranked(), self.rank(s, d), destination))
    }

    pub fn summary(&self) -> IntentionsSummary {
        IntentionsSummary {
            default_policy: self.default_policy,
            mode: self.mode,
            intentions: self.rows.len(),
            sources: self.sources.len(),
            destinations: self.destinations.len(),
        }
    }

    /// The ranked rows whose label contains the filter, `count` of them from `start`.
    pub fn list(&self, q: &ListQuery) -> ListSlice {
        let keep = matcher(&q.filter);
        let rows: Vec<&IntentionRow> = self.rows.iter().filter(|r| keep(&r.label)).collect();
        let rows_shown = rows.iter().skip(q.start).take(q.count).map(|r| (*r).clone()).collect();
        ListSlice { total: rows.len(), start: q.start, rows: rows_shown }
    }

    /// The matrix filtered by `q`: a table, or a window of the decided pairs (see [`MatrixSlice`]).
    /// `a` is the analysis these windows were made from (it writes the explanations).
    pub fn matrix(&self, a: &Analysis, q: &MatrixQuery) -> MatrixSlice {
        let (src, dst) = (matcher(&q.source), matcher(&q.destination));
        let rows: Vec<usize> = (0..self.sources.len()).filter(|&i| src(&self.sources[i].label)).collect();
        let cols: Vec<usize> = (0..self.destinations.len()).filter(|&j| dst(&self.destinations[j].label)).collect();
        let (all_sources, all_destinations) = (self.sources.len(), self.destinations.len());
        if rows.len().saturating_mul(cols.len()) <= MATRIX_LIMIT {
            return MatrixSlice::Table {
                sources: rows.iter().map(|&i| self.sources[i].clone()).collect(),
                destinations: cols.iter().map(|&j| self.destinations[j].clone()).collect(),
                cells: rows.iter().map(|&i| cols.iter().filter_map(|&j| self.cell(a, i, j)).collect()).collect(),
                all_sources,
                all_destinations,
            };
        }
        let end = q.start.saturating_add(q.count);
        let mut pairs = Vec::new();
        let mut total = 0;
        for &s in &rows {
            for &d in &cols {
                if self.rank(s, d).is_none() {
                    continue;
                }
                if (q.start..end).contains(&total) {
                    if let Some(cell) = self.cell(a, s, d) {
                        let (source, destination) = (self.sources[s].clone(), self.destinations[d].clone());
                        pairs.push(Pair { s, d, source, destination, cell });
                    }
                }
                total += 1;
            }
        }
        MatrixSlice::List {
            sources: rows.len(),
            destinations: cols.len(),
            all_sources,
            all_destinations,
            limit: MATRIX_LIMIT,
            total,
            start: q.start,
            pairs,
        }
    }

    /// The whole view: every row, every cell with its explanation.
    pub fn into_view(self, a: &Analysis) -> IntentionsView {
        let cells = (0..self.sources.len())
            .map(|s| (0..self.destinations.len()).filter_map(|d| self.cell(a, s, d)).collect())
            .collect();
        IntentionsView {
            default_policy: self.default_policy,
            mode: self.mode,
            intentions: self.rows,
            matrix: Matrix { sources: self.sources, destinations: self.destinations, cells },
        }
    }
}

impl Analysis {
    /// The Intentions view's data, kept for windows (see the module's note).
    pub fn intention_windows(&self) -> IntentionWindows {
        IntentionWindows::new(self)
    }

    /// The services Simulate suggests, from the matrix's endpoints (no cell is decided).
    pub fn intention_names(&self) -> IntentionNames {
        let (sources, destinations) = self.matrix_endpoints(self.ranked());
        let names = |list: Vec<Endpoint>| {
            let mut seen = FxHashSet::default();
            let mut out: Vec<String> = Vec::new();
            for e in list {
                if e.name != OTHER && seen.insert(e.name.clone()) {
                    out.push(e.name);
                }
            }
            out
        };
        IntentionNames { sources: names(sources), destinations: names(destinations) }
    }
}

#[cfg(test)]
mod tests;
