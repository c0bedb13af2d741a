//! Split weights: nested splitters multiply, to 0.01%.

use super::{DiscoveryChain, Node, Target};
use crate::model::service_splitter::TOTAL_HUNDREDTHS;

/// How deep nested splitters are followed before giving up (real chains are a few levels deep;
/// compilation removes cycles, this only guards against a malformed chain built by hand).
const MAX_DEPTH: usize = 32;

/// A final target of a node with the share of traffic it gets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightedTarget<'a> {
    pub target: &'a Target,
    /// Hundredths of a percent: 10000 is all of it.
    pub weight_hundredths: i64,
}

impl WeightedTarget<'_> {
    /// The weight as a percentage with two decimals.
    pub fn weight(&self) -> f64 {
        hundredths_to_weight(self.weight_hundredths)
    }
}

/// `1667` → `16.67`.
pub fn hundredths_to_weight(h: i64) -> f64 {
    h as f64 / 100.0
}

/// The effective weight of an inner split reached through an outer one, in hundredths: Consul
/// multiplies the two percentages in 32-bit floats (`outer * inner / 100`) and rounds the result
/// to 0.01 (half away from zero, computed as `round(w * 100)` on the 32-bit value). We compute the
/// same way so ties round alike: 50% of 33.33% is 16.67%, 10% of 0.05% is 0.01%.
pub fn multiply_hundredths(outer: i64, inner: i64) -> i64 {
    if outer == TOTAL_HUNDREDTHS {
        return inner;
    }
    if inner == TOTAL_HUNDREDTHS {
        return outer;
    }
    let outer = outer as f32 / 100.0;
    let inner = inner as f32 / 100.0;
    let effective = outer * inner / 100.0;
    f64::from(effective * 100.0).round() as i64
}

pub(super) fn weighted_targets<'a>(chain: &'a DiscoveryChain, node_id: &str) -> Vec<WeightedTarget<'a>> {
    let mut out = Vec::new();
    collect(chain, node_id, TOTAL_HUNDREDTHS, 0, &mut out);
    out
}

fn collect<'a>(chain: &'a DiscoveryChain, node_id: &str, weight: i64, depth: usize, out: &mut Vec<WeightedTarget<'a>>) {
    if depth > MAX_DEPTH {
        return;
    }
    match chain.node(node_id) {
        Some(Node::Resolver(r)) => {
            if let Some(target) = chain.target(&r.target) {
                out.push(WeightedTarget { target, weight_hundredths: weight });
            }
        }
        Some(Node::Splitter(s)) => {
            for split in &s.splits {
                collect(chain, &split.next_node, multiply_hundredths(weight, split.weight_hundredths), depth + 1, out);
            }
        }
        Some(Node::Router(_)) | None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_shares_pass_through_unchanged() {
        assert_eq!(multiply_hundredths(10000, 3333), 3333);
        assert_eq!(multiply_hundredths(3333, 10000), 3333);
        assert_eq!(multiply_hundredths(0, 10000), 0);
    }

    #[test]
    fn nested_weights_multiply_to_hundredths() {
        assert_eq!(multiply_hundredths(5000, 5000), 2500);
        assert_eq!(multiply_hundredths(9000, 1000), 900);
        assert_eq!(multiply_hundredths(5000, 3333), 1667);
        assert_eq!(multiply_hundredths(3333, 3333), 1111);
        assert_eq!(multiply_hundredths(1000, 5), 1);
        assert_eq!(multiply_hundredths(1000, 4), 0);
        assert_eq!(multiply_hundredths(0, 5000), 0);
    }

    #[test]
    fn hundredths_print_with_two_decimals_at_most() {
        assert_eq!(hundredths_to_weight(1667), 16.67);
        assert_eq!(hundredths_to_weight(10000), 100.0);
        assert_eq!(serde_json::to_string(&hundredths_to_weight(2550)).unwrap(), "25.5");
    }
}
