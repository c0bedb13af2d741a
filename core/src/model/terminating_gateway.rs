//! `terminating-gateway` (placeholder: fields and rules to be filled in).

use super::Validate;
use crate::decode::Cx;
use crate::decode_struct;
use serde::Serialize;

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TerminatingGateway("a terminating-gateway entry", pascal, ignore "kind") {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        pub meta: std::collections::BTreeMap<String, String>,
    }
}

impl Validate for TerminatingGateway {
    fn validate(&self, _cx: &mut Cx) {}
}
