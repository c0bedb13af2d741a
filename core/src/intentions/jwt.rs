//! JWT requirements of intentions, decided from the claims Envoy's `jwt_authn` filter verified.
//!
//! Envoy verifies signatures, expiry, issuer and audiences (`meshgate envoy` configures it to
//! verify every token it finds and reject none); the filter reads the verified payloads from the
//! request's dynamic metadata and this module decides, so `meshgate check`, the playground and the
//! filter give one answer with one reason:
//! - a listed provider verified a token whose claims all match its `VerifyClaims`: satisfied;
//! - some listed provider verified a token, but no such token's claims match: `jwt-claims` (403);
//! - no listed provider verified a token, but one of their token locations holds something (a
//!   bad signature, expired, wrong issuer or audience, unknown key): `jwt-invalid` (401);
//! - none of the locations holds anything: `jwt-missing` (401).
//!
//! Claims match as Consul's `VerifyClaims` do: `Path` names nested claims (`["perms", "role"]` is
//! `payload.perms.role`); the value found must be the string `Value`, or a list holding that
//! string. Numbers, booleans and objects never match.

use serde::{Deserialize, Serialize};

/// Verified token payloads, by provider name (jwt_authn's `payload_in_metadata` keys).
pub type JwtPayloads = crate::json::Map;

/// The `JWT` block of an intention or permission: any one provider suffices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtRequirement {
    pub providers: Vec<JwtProviderCheck>,
}

/// One provider of a requirement and the claims its token must carry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtProviderCheck {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimCheck>,
    /// Where the provider's tokens are looked for; Envoy's defaults (`Authorization: Bearer`, the
    /// `access_token` query parameter) when empty. Only to tell `jwt-invalid` from `jwt-missing`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<TokenLocation>,
}

/// `VerifyClaims` item: the claim at `path` must be `value` (or a list holding it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimCheck {
    pub path: Vec<String>,
    pub value: String,
}

/// Where a token may be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenLocation {
    /// A header whose value starts with `prefix` (`Bearer `, compared without regard to case).
    Header {
        name: String,
        prefix: String,
    },
    Query(String),
    Cookie(String),
}

/// Why a request does not satisfy a JWT requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum JwtFailure {
    /// No token of any listed provider.
    Missing,
    /// A token was presented but no listed provider verified one.
    Invalid,
    /// A listed provider verified a token, but its claims do not match.
    Claims,
}

impl JwtFailure {
    /// The reason code (`x-meshgate-reason`, metrics, deny lines).
    pub fn code(self) -> &'static str {
        match self {
            JwtFailure::Missing => "jwt-missing",
            JwtFailure::Invalid => "jwt-invalid",
            JwtFailure::Claims => "jwt-claims",
        }
    }

    /// 401 when the client must authenticate, 403 when it did and is not allowed.
    pub fn status(self) -> u32 {
        match self {
            JwtFailure::Missing | JwtFailure::Invalid => 401,
            JwtFailure::Claims => 403,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            JwtFailure::Missing => "the request carries no JWT from a required provider",
            JwtFailure::Invalid => {
                "the request carries a JWT that no required provider verified (signature, expiry, issuer or audience)"
            }
            JwtFailure::Claims => "the request's verified JWT does not carry the required claims",
        }
    }
}

const DEFAULT_HEADER: (&str, &str) = ("authorization", "Bearer ");
const DEFAULT_QUERY: &str = "access_token";

impl JwtRequirement {
    /// Whether the request satisfies the requirement. `payloads` are the verified tokens'
    /// payloads (`None`: none verified); `path` (query included) and `headers` as received.
    /// Allocates nothing.
    pub fn check(
        &self,
        payloads: Option<&JwtPayloads>,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<(), JwtFailure> {
        let query = path.split_once('?').map_or("", |(_, q)| q);
        self.check_query(payloads, query, headers)
    }

    /// [`Self::check`] with the query (without `?`) already split from the path.
    pub fn check_query(
        &self,
        payloads: Option<&JwtPayloads>,
        query: &str,
        headers: &[(&str, &str)],
    ) -> Result<(), JwtFailure> {
        if self.providers.is_empty() {
            return Ok(());
        }
        let mut verified = false;
        for p in &self.providers {
            let Some(payload) = payloads.and_then(|m| m.get(&p.name)) else { continue };
            verified = true;
            if p.claims.iter().all(|c| c.matches(payload)) {
                return Ok(());
            }
        }
        if verified {
            return Err(JwtFailure::Claims);
        }
        if self.providers.iter().any(|p| p.presented(query, headers)) {
            Err(JwtFailure::Invalid)
        } else {
            Err(JwtFailure::Missing)
        }
    }

    /// `okta (perms.role "admin") or auth0`: any one provider's token, with all its claims.
    pub fn describe(&self) -> String {
        let providers: Vec<String> = self
            .providers
            .iter()
            .map(|p| {
                if p.claims.is_empty() {
                    return p.name.clone();
                }
                let claims: Vec<String> =
                    p.claims.iter().map(|c| format!("{} {}", c.path.join("."), crate::json::quote(&c.value))).collect();
                format!("{} ({})", p.name, claims.join(", "))
            })
            .collect();
        providers.join(" or ")
    }

    /// The provider names, for messages.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.providers.iter().map(|p| p.name.as_str()).collect();
        names.join(", ")
    }
}

impl ClaimCheck {
    pub fn matches(&self, payload: &crate::json::Value) -> bool {
        let mut at = payload;
        for key in &self.path {
            match at.get(key.as_str()) {
                Some(v) => at = v,
                None => return false,
            }
        }
        match at {
            crate::json::Value::String(s) => *s == self.value,
            crate::json::Value::Array(items) => items.iter().any(|i| i.as_str() == Some(self.value.as_str())),
            _ => false,
        }
    }
}

impl JwtProviderCheck {
    /// Whether any of the provider's token locations holds something.
    fn presented(&self, query: &str, headers: &[(&str, &str)]) -> bool {
        if self.locations.is_empty() {
            return header_token(headers, DEFAULT_HEADER.0, DEFAULT_HEADER.1) || query_has(query, DEFAULT_QUERY);
        }
        self.locations.iter().any(|l| match l {
            TokenLocation::Header { name, prefix } => header_token(headers, name, prefix),
            TokenLocation::Query(name) => query_has(query, name),
            TokenLocation::Cookie(name) => cookie_has(headers, name),
        })
    }
}

fn header_token(headers: &[(&str, &str)], name: &str, prefix: &str) -> bool {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .any(|(_, v)| v.len() > prefix.len() && v.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix)))
}

fn query_has(query: &str, name: &str) -> bool {
    query.split('&').any(|kv| kv.split_once('=').is_some_and(|(k, v)| k == name && !v.is_empty()))
}

fn cookie_has(headers: &[(&str, &str)], name: &str) -> bool {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .any(|kv| kv.trim().split_once('=').is_some_and(|(k, v)| k == name && !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    fn payloads(v: crate::json::Value) -> JwtPayloads {
        v.as_object().cloned().unwrap_or_default()
    }

    fn claim(path: &[&str], value: &str) -> ClaimCheck {
        ClaimCheck { path: path.iter().map(|s| s.to_string()).collect(), value: value.into() }
    }

    fn requirement(claims: Vec<ClaimCheck>) -> JwtRequirement {
        JwtRequirement { providers: vec![JwtProviderCheck { name: "okta".into(), claims, locations: Vec::new() }] }
    }

    #[test]
    fn claims_match_nested_strings_and_lists_of_strings() {
        let payload = json!({ "sub": "alice", "perms": { "role": "admin", "groups": ["ops", "dev"], "level": 3 } });
        assert!(claim(&["sub"], "alice").matches(&payload));
        assert!(claim(&["perms", "role"], "admin").matches(&payload));
        assert!(!claim(&["perms", "role"], "Admin").matches(&payload));
        // A list claim matches when one of its strings is the value.
        assert!(claim(&["perms", "groups"], "dev").matches(&payload));
        assert!(!claim(&["perms", "groups"], "qa").matches(&payload));
        // Numbers, objects and absent paths never match.
        assert!(!claim(&["perms", "level"], "3").matches(&payload));
        assert!(!claim(&["perms"], "admin").matches(&payload));
        assert!(!claim(&["perms", "role", "x"], "admin").matches(&payload));
        assert!(!claim(&["nope"], "admin").matches(&payload));
    }

    #[test]
    fn missing_invalid_and_claims_are_told_apart() {
        let r = requirement(vec![claim(&["role"], "admin"), claim(&["aud2"], "x")]);
        let bearer = [("Authorization", "Bearer abc.def.ghi")];
        assert_eq!(r.check(None, "/", &[]), Err(JwtFailure::Missing));
        assert_eq!(r.check(None, "/", &bearer), Err(JwtFailure::Invalid));
        assert_eq!(r.check(None, "/?access_token=abc", &[]), Err(JwtFailure::Invalid));
        // An empty bearer or another scheme is no token.
        assert_eq!(r.check(None, "/", &[("authorization", "Bearer ")]), Err(JwtFailure::Missing));
        assert_eq!(r.check(None, "/", &[("authorization", "Basic abc")]), Err(JwtFailure::Missing));
        // Every claim of the provider must match.
        let p = payloads(json!({ "okta": { "role": "admin" } }));
        assert_eq!(r.check(Some(&p), "/", &[]), Err(JwtFailure::Claims));
        let p = payloads(json!({ "okta": { "role": "admin", "aud2": ["x"] } }));
        assert_eq!(r.check(Some(&p), "/", &[]), Ok(()));
        // Another provider's payload is not this provider's.
        let p = payloads(json!({ "auth0": { "role": "admin", "aud2": "x" } }));
        assert_eq!(r.check(Some(&p), "/", &bearer), Err(JwtFailure::Invalid));
        assert_eq!(JwtRequirement::default().check(None, "/", &[]), Ok(()));
    }

    #[test]
    fn any_listed_provider_suffices() {
        let r = JwtRequirement {
            providers: vec![
                JwtProviderCheck { name: "a".into(), claims: vec![claim(&["role"], "admin")], locations: Vec::new() },
                JwtProviderCheck { name: "b".into(), claims: Vec::new(), locations: Vec::new() },
            ],
        };
        let p = payloads(json!({ "a": { "role": "user" } }));
        assert_eq!(r.check(Some(&p), "/", &[]), Err(JwtFailure::Claims));
        let p = payloads(json!({ "a": { "role": "user" }, "b": {} }));
        assert_eq!(r.check(Some(&p), "/", &[]), Ok(()));
    }

    #[test]
    fn configured_locations_replace_the_defaults() {
        let mut r = requirement(Vec::new());
        r.providers[0].locations = vec![
            TokenLocation::Header { name: "x-token".into(), prefix: String::new() },
            TokenLocation::Query("t".into()),
            TokenLocation::Cookie("session".into()),
        ];
        assert_eq!(r.check(None, "/", &[("authorization", "Bearer abc")]), Err(JwtFailure::Missing));
        assert_eq!(r.check(None, "/", &[("X-Token", "abc")]), Err(JwtFailure::Invalid));
        assert_eq!(r.check(None, "/a?x=1&t=abc", &[]), Err(JwtFailure::Invalid));
        assert_eq!(r.check(None, "/a?x=1&t=", &[]), Err(JwtFailure::Missing));
        assert_eq!(r.check(None, "/", &[("cookie", "a=1; session=abc")]), Err(JwtFailure::Invalid));
        assert_eq!(r.check(None, "/", &[("cookie", "a=1; sessions=abc")]), Err(JwtFailure::Missing));
    }
}
