//! `service-splitter`: the second hop of a discovery chain. Splits a service's traffic by weight
//! across services and subsets (canaries, migrations), optionally changing headers per split.
//!
//! Weights are percentages that Consul keeps to 0.01 precision: it stores each weight as a 32-bit
//! float, multiplies it by 100 in 32-bit arithmetic and rounds half away from zero. So `33.333`
//! counts as 33.33, and `33.335` as 33.34 (in 32-bit floats 33.335 × 100 is exactly 3333.5; in
//! 64-bit ones it would be 3333.4999… and round down, which is why we compute as Consul does). The
//! rounded weights must add up to exactly 100.00. A weight written with more than two decimals is
//! accepted and rounded that way; [`ServiceSplit::weight_hundredths`] gives the value Consul uses.
//!
//! Single-entry rules (Consul's, plus the per-weight range its Kubernetes CRDs and docs state):
//! - `Name` is required and at least one split is given;
//! - each `Weight` is given, and is 0 or between 0.01 and 100;
//! - the rounded weights add up to 100;
//! - no destination (service, subset, namespace, partition as written) is listed twice by splits
//!   without header changes (Consul accepts repeats that change headers: one destination can get
//!   two shares with different headers).

use super::service_router::{no_modifiers, HttpHeaderModifiers};
use super::Validate;
use crate::decode::Cx;
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::sorted::SortedMap;
use serde::Serialize;

decode_struct! {
    /// One split: a share of the traffic and where it goes.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ServiceSplit("a split", pascal) {
        /// Percentage of traffic, 0 to 100, kept to 0.01 (see [`ServiceSplit::weight_hundredths`]).
        pub weight: f64,
        /// Empty: the splitter's own service (`Name`).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service_subset: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "no_modifiers")]
        pub request_headers: Option<HttpHeaderModifiers>,
        #[serde(skip_serializing_if = "no_modifiers")]
        pub response_headers: Option<HttpHeaderModifiers>,
    }
}

/// 100% in hundredths of a percent.
pub const TOTAL_HUNDREDTHS: i64 = 100 * 100;

impl ServiceSplit {
    /// The weight in hundredths of a percent (0..=10000 for a valid split), rounded as Consul
    /// does: the weight is a 32-bit float, multiplied by 100 in 32-bit arithmetic, then rounded
    /// half away from zero. `90` → 9000, `0.5` → 50, `33.333` → 3333.
    pub fn weight_hundredths(&self) -> i64 {
        let scaled = (self.weight as f32) * 100.0_f32;
        let rounded = f64::from(scaled).round();
        // Weights are validated to 0..=100; clamp keeps absurd input from wrapping.
        rounded.clamp(i64::MIN as f64, i64::MAX as f64) as i64
    }

    /// Has request or response header changes.
    pub fn changes_headers(&self) -> bool {
        !no_modifiers(&self.request_headers) || !no_modifiers(&self.response_headers)
    }

    /// The destination service: `Service`, or the splitter's name when empty.
    pub fn service_or<'a>(&'a self, splitter_name: &'a str) -> &'a str {
        if self.service.is_empty() {
            splitter_name
        } else {
            &self.service
        }
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "service-splitter", rename_all = "PascalCase")]
    pub struct ServiceSplitter("a service-splitter entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        pub splits: Vec<ServiceSplit>,
    }
}

impl ServiceSplitter {
    /// The sum of the rounded weights, in hundredths (10000 when valid). Saturating: a weight
    /// far out of range (`1e47` clamps to `i64::MAX` hundredths) makes an error, not an overflow.
    pub fn total_hundredths(&self) -> i64 {
        self.splits.iter().map(ServiceSplit::weight_hundredths).fold(0, i64::saturating_add)
    }
}

/// `9950` → "99.5", `10000` → "100", `-5` → "-0.05": hundredths as a person writes them.
pub fn format_hundredths(h: i64) -> String {
    let sign = if h < 0 { "-" } else { "" };
    let abs = h.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let text = format!("{sign}{whole}.{frac:02}");
        text.trim_end_matches('0').to_string()
    }
}

/// A weight as written, without float noise: 99.5 → "99.5", 0.004 → "0.004".
fn show_weight(w: f64) -> String {
    let text = crate::decode::plain_float(w);
    if text.len() > 12 {
        crate::decode::rounded_float(w, 6)
    } else {
        text
    }
}

impl Validate for ServiceSplitter {
    fn validate(&self, cx: &mut Cx) {
        if self.name.is_empty() {
            cx.error(Code::MissingField, self.origin.span, "a service-splitter needs `Name`: the service it splits");
        }
        if self.splits.is_empty() {
            let d = Diagnostic::error(
                Code::EmptyList,
                self.origin.field("splits"),
                "a service-splitter needs at least one split in `Splits`",
            )
            .with_note("for example: Splits = [{ Weight = 100, ServiceSubset = \"v1\" }]");
            cx.push(d);
            return;
        }
        for (i, split) in self.splits.iter().enumerate() {
            if split.origin.field_opt("weight").is_none() {
                cx.error(
                    Code::MissingField,
                    split.origin.span,
                    format!("split #{} needs `Weight`: its percentage of the traffic", i + 1),
                );
                continue;
            }
            let w = split.weight;
            if !(0.0..=100.0).contains(&w) || (w > 0.0 && w < 0.01) {
                cx.error(
                    Code::SplitWeightRange,
                    split.origin.field("weight"),
                    format!(
                        "split #{} has Weight {}; a weight is 0 or a percentage from 0.01 to 100",
                        i + 1,
                        show_weight(w)
                    ),
                );
            }
        }
        let total = self.total_hundredths();
        if total != TOTAL_HUNDREDTHS {
            let mut d = Diagnostic::error(
                Code::SplitWeights,
                self.origin.field("splits"),
                format!("the split weights add up to {}; they must add up to 100", format_hundredths(total)),
            );
            let weights: Vec<String> = self.splits.iter().map(|s| format_hundredths(s.weight_hundredths())).collect();
            if self.splits.len() > 1 {
                d = d.with_note(format!("weights, rounded to 0.01 as Consul does: {}", weights.join(" + ")));
            }
            cx.push(d);
        }
        self.check_duplicates(cx);
    }
}

impl ServiceSplitter {
    fn check_duplicates(&self, cx: &mut Cx) {
        for (i, split) in self.splits.iter().enumerate() {
            let first = self.splits.iter().take(i).position(|earlier| {
                earlier.service_or(&self.name) == split.service_or(&self.name)
                    && earlier.service_subset == split.service_subset
                    && earlier.namespace == split.namespace
                    && earlier.partition == split.partition
                    && !earlier.changes_headers()
                    && !split.changes_headers()
            });
            if let Some(first) = first {
                let subset = if split.service_subset.is_empty() {
                    String::new()
                } else {
                    format!(" subset `{}`", split.service_subset)
                };
                cx.push(
                    Diagnostic::error(
                        Code::DuplicateSplit,
                        split.origin.span,
                        format!(
                            "split #{} sends traffic to service `{}`{subset} again, as split #{} does",
                            i + 1,
                            split.service_or(&self.name),
                            first + 1
                        ),
                    )
                    .with_note("merge the two splits into one and add their weights"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
