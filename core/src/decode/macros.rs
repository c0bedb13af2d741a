//! `decode_struct!` and `decode_enum!`: declare a typed config shape once and get its decoder,
//! with Consul's key rules, spans per field, and unknown-key reporting.

/// Declares a struct whose fields are read from an object under Consul's key rules.
///
/// ```ignore
/// decode_struct! {
///     #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
///     #[serde(rename_all = "PascalCase")]
///     pub struct MeshGatewayConfig("a MeshGateway block", pascal) {
///         pub mode: MeshGatewayMode,
///         // extra accepted spellings go in brackets
///         pub service_subset: String ["subset"],
///     }
/// }
/// ```
/// The style (`pascal` or `snake`) is how keys are spelled in messages. `ignore KEYS` after the
/// style (a `&[&str]`) accepts and skips those keys: config entries skip
/// [`SKIPPED_ENTRY_KEYS`](crate::decode::SKIPPED_ENTRY_KEYS) (`Kind`, which the entry dispatcher
/// already read, and the bookkeeping Consul adds to every entry it returns).
#[macro_export]
macro_rules! decode_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident ($what:literal, $style:ident $(, ignore $ignored:expr)?) {
            $(
                $(#[$fmeta:meta])*
                $fvis:vis $fname:ident : $fty:ty $([$($alias:literal),+ $(,)?])?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* $fvis $fname: $fty, )*
            /// Where each field was written (not part of the value).
            #[serde(skip)]
            pub origin: $crate::decode::Meta,
        }

        impl $crate::decode::Decode for $name {
            fn expected() -> &'static str {
                $what
            }

            fn decode(node: &$crate::syntax::Node, cx: &mut $crate::decode::Cx) -> Option<Self> {
                let entries = $crate::decode::object_entries(node, cx, $what)?;
                let mut out = Self { origin: $crate::decode::Meta::new(node.span), ..Self::default() };
                $(
                    $crate::decode::decode_field_into::<$fty>(
                        entries,
                        concat!(stringify!($fname) $($(, ",", $alias)+)?),
                        stringify!($fname),
                        &mut out.$fname,
                        &mut out.origin,
                        cx,
                    );
                )*
                // Every field's names as one text (`field,alias;field;…`), not a `&[&[&str]]`:
                // a table of (pointer, length) pairs per field costs the playground's wasm more
                // than the names themselves.
                let table = concat!($(stringify!($fname) $($(, ",", $alias)+)?, ";",)*);
                let ignored: &[&str] = $crate::decode_struct!(@ignored $($ignored)?);
                $crate::decode::unknown_keys(entries, table, ignored, $crate::decode_struct!(@style $style), $what, cx);
                Some(out)
            }
        }

        #[cfg(test)]
        impl $crate::decode::Shape for $name {
            #[allow(unused_variables)] // a struct without fields
            fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
                $(
                    let key = $crate::decode_struct!(@style $style)(stringify!($fname));
                    <$fty as $crate::decode::Shape>::paths(&$crate::decode::join_path(prefix, &key), out);
                )*
            }
        }
    };
    (@ignored $ignored:expr) => { $ignored };
    (@ignored) => { &[] };
    (@style pascal) => { $crate::decode::pascal_case };
    (@style snake) => { $crate::decode::snake_case };
}

/// Declares a string enum read case-insensitively, with a did-you-mean on a miss.
///
/// ```ignore
/// decode_enum! {
///     #[derive(Default)]
///     pub enum MeshGatewayMode("a mesh gateway mode") {
///         #[default]
///         Default = "",
///         None = "none",
///     }
/// }
/// ```
#[macro_export]
macro_rules! decode_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $( $(#[$vmeta])* $variant, )+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Case-insensitive, as Consul reads these values.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(test)]
        impl $crate::decode::Shape for $name {
            fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
                let sample = $name::ALL.iter().map(|v| v.as_str()).find(|s| !s.is_empty()).unwrap_or_default();
                out.push((prefix.to_string(), format!("\"{sample}\"")));
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::decode::Decode for $name {
            fn expected() -> &'static str {
                $what
            }

            fn decode(node: &$crate::syntax::Node, cx: &mut $crate::decode::Cx) -> Option<Self> {
                let text = <String as $crate::decode::Decode>::decode(node, cx)?;
                if let Some(v) = $name::parse(&text) {
                    return Some(v);
                }
                let choices: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).filter(|s| !s.is_empty()).collect();
                let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
                let mut d = $crate::diag::Diagnostic::error(
                    $crate::diag::Code::InvalidEnum,
                    node.span,
                    format!("\"{text}\" is not {}; expected one of {}", $what, quoted.join(", ")),
                );
                if let Some(s) = $crate::decode::suggest(&text, &choices) {
                    d = d.with_note(format!("help: did you mean \"{s}\"?")).with_fix(s);
                }
                cx.push(d);
                None
            }
        }
    };
}
