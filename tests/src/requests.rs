//! `requests.txt` lines of the decision corpus, as the one request model's questions.
//!
//! One request per line (`#` comments):
//!   SOURCE -> DESTINATION [METHOD PATH] [| HEADER-NAME: VALUE]...
//! where SOURCE is `name`, `namespace/name`, `peer:PEER/name` or `partition:AP/[namespace/]name`:
//!   web -> billing GET /admin | x-debug: 1 | x-debug: 2

use meshgate_core::views::SimulateRequest;

/// The question a line asks.
pub fn parse_line(line: &str) -> Result<SimulateRequest, String> {
    let mut parts = line.split('|');
    let head = parts.next().unwrap_or_default();
    let headers = parts
        .map(|h| if h.contains(':') { Ok(h.trim().to_string()) } else { Err(format!("bad header `{h}`")) })
        .collect::<Result<Vec<_>, _>>()?;
    let (src, rest) = head.split_once("->").ok_or(format!("no `->` in `{line}`"))?;
    let mut words = rest.split_whitespace();
    let destination = words.next().ok_or("no destination")?.to_string();
    let method = words.next().map(str::to_string);
    let path = words.next().map(str::to_string);
    let src = src.trim();
    let (peer, name) = match src.strip_prefix("peer:") {
        Some(r) => r.split_once('/').ok_or("peer:PEER/name")?,
        None => ("", src),
    };
    let (partition, name) = match name.strip_prefix("partition:") {
        Some(r) => r.split_once('/').ok_or("partition:AP/name")?,
        None => ("", name),
    };
    let (namespace, name) = name.split_once('/').unwrap_or(("default", name));
    Ok(SimulateRequest {
        source: name.to_string(),
        source_namespace: namespace.to_string(),
        source_partition: partition.to_string(),
        source_peer: peer.to_string(),
        destination,
        method,
        path,
        headers,
        ..SimulateRequest::default()
    })
}

/// The requests of a case's `requests.txt`, each with its line.
pub fn read(dir: &std::path::Path) -> Result<Vec<(String, SimulateRequest)>, String> {
    let text = std::fs::read_to_string(dir.join("requests.txt")).map_err(|e| format!("requests.txt: {e}"))?;
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| parse_line(l).map(|r| (l.to_string(), r)))
        .collect()
}
