//! consul-k8s's `GatewayPolicy`: the `default`/`override` JWT requirement of one API gateway
//! listener. It is no entry of its own: consul-k8s copies it into the listener its
//! `targetRef` (a Gateway and its `sectionName`) names when it writes that Gateway's `api-gateway`
//! entry, so meshgate merges it into the Gateway of the same file.

use super::tree::{field, object, Fields};
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::{Entry, Node, Value};

pub const KIND: &str = "GatewayPolicy";

/// One policy read: the listener it targets and the listener fields it sets.
struct Policy {
    /// `targetRef.sectionName` and where it is written; consul-k8s applies a policy without one to
    /// no listener.
    section: Option<(String, Span)>,
    target_span: Span,
    fields: Vec<Entry>,
}

/// Reads a policy's spec, reporting its faults.
fn read(spec: &Node, cx: &mut Cx) -> Option<Policy> {
    let mut s = Fields::of(spec, "a GatewayPolicy spec", cx)?;
    let target = s.take("targetRef");
    let mut fields = Vec::new();
    for key in ["default", "override"] {
        let Some(e) = s.take(key) else { continue };
        let Some(mut p) = Fields::of(&e.value, "a GatewayPolicy's default or override", cx) else { continue };
        let jwt = p.take("jwt").map(|j| field("jwt", j.key_span, j.value.clone()));
        p.finish(cx);
        fields.push(field(key, e.key_span, object(jwt.into_iter().collect(), e.value.span)));
    }
    s.finish(cx);
    let Some(target) = target else {
        cx.error(
            Code::MissingField,
            spec.span,
            "a GatewayPolicy needs `targetRef`: the Gateway listener it applies to",
        );
        return None;
    };
    let mut t = Fields::of(&target.value, "a GatewayPolicy targetRef", cx)?;
    // The group is required by the CRD schema but not part of what consul-k8s matches a policy
    // by; the namespace is Kubernetes'.
    t.ignore(&["namespace"]);
    let group = t.str("group", cx).is_some();
    let kind = t.str("kind", cx);
    let named = t.str("name", cx).is_some();
    let section = t.str("sectionName", cx).map(|(s, span)| (s.to_string(), span));
    t.finish(cx);
    let missing: Vec<&str> = [("group", group), ("kind", kind.is_some()), ("name", named)]
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(k, _)| *k)
        .collect();
    if !missing.is_empty() {
        cx.error(
            Code::MissingField,
            target.value.span,
            format!(
                "a GatewayPolicy's `targetRef` needs `{}` (consul-k8s's CRD schema requires group, kind and name)",
                missing.join("`, `")
            ),
        );
        return None;
    }
    if let Some((k, span)) = kind.filter(|(k, _)| *k != "Gateway") {
        // consul-k8s's GatewayPolicy webhook: "only Gateway is allowed".
        cx.error(Code::UnsupportedResourceField, span, format!("a GatewayPolicy targets a Gateway, not a `{k}`"));
        return None;
    }
    Some(Policy { section, target_span: target.key_span, fields })
}

/// The name a policy's `targetRef` gives, for finding the policies of a Gateway.
pub fn target_name(spec: &Node) -> Option<&str> {
    spec.get("targetRef")?.value.get("name")?.value.as_str()
}

/// Merges the policies targeting this Gateway into its mapped listeners.
pub fn merge(gateway: &str, listeners: &mut [Node], cx: &mut Cx) {
    let specs = cx.kube.take_policies(gateway);
    let mut applied: Vec<String> = Vec::new();
    for (name, spec) in specs {
        let Some(policy) = read(&spec, cx) else { continue };
        let Some((section, section_span)) = policy.section else {
            cx.push(
                Diagnostic::error(
                    Code::MissingField,
                    policy.target_span,
                    format!("GatewayPolicy `{name}` names no listener: set `targetRef.sectionName`"),
                )
                .with_note("consul-k8s applies a GatewayPolicy to the one listener its sectionName names, and without one to none"),
            );
            continue;
        };
        let Some(listener) = listeners.iter_mut().find(|l| listener_name(l) == Some(section.as_str())) else {
            cx.error(
                Code::MissingReference,
                section_span,
                format!("Gateway `{gateway}` has no listener named `{section}`"),
            );
            continue;
        };
        if applied.contains(&section) {
            // consul-k8s's webhook refuses a second policy for the same listener.
            cx.error(
                Code::ConflictingFields,
                section_span,
                format!("listener `{section}` of Gateway `{gateway}` is already the target of another GatewayPolicy"),
            );
            continue;
        }
        applied.push(section);
        if let Value::Object(entries) = &mut listener.value {
            entries.extend(policy.fields);
        }
    }
}

fn listener_name(listener: &Node) -> Option<&str> {
    listener.get("name")?.value.as_str()
}

/// Reports the policies no Gateway of the file took: consul-k8s would apply them to a Gateway
/// meshgate was not given, so nothing of them would be checked.
pub fn check_untargeted(cx: &mut Cx) {
    let left: Vec<(String, Node)> = cx
        .kube
        .unnamed()
        .filter(|(kind, _, _)| kind == KIND)
        .map(|(_, name, spec)| (name.clone(), spec.clone()))
        .collect();
    for (name, spec) in left {
        let Some(policy) = read(&spec, cx) else { continue };
        let target = target_name(&spec).unwrap_or_default();
        let span = spec.get("targetRef").and_then(|t| t.value.get("name")).map(|n| n.value.span);
        cx.push(
            Diagnostic::error(
                Code::MissingReference,
                span.unwrap_or(policy.target_span),
                format!("GatewayPolicy `{name}` targets Gateway `{target}`, which is not in this file"),
            )
            .with_note("meshgate merges a GatewayPolicy into the Gateway it targets, read from the same file"),
        );
    }
}
