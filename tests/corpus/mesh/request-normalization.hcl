# Normalize inbound paths before L7 intentions see them: `//` merged, `%2F` decoded,
# headers with underscores refused.
Kind = "mesh"
HTTP {
  SanitizeXForwardedClientCert = true
  Incoming {
    RequestNormalization {
      InsecureDisablePathNormalization = false // default false, shown for completeness
      MergeSlashes = true
      PathWithEscapedSlashesAction = "UNESCAPE_AND_FORWARD"
      HeadersWithUnderscoresAction = "REJECT_REQUEST"
    }
  }
}
