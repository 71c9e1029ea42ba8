//! What the read calls ask for: the options of the single-case calls and the filters of the list
//! calls (result guide 7.4 and 7.5).

use chrono::{DateTime, FixedOffset, SecondsFormat};

/// Options of the single-case calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetCaseOptions {
    /// `/full`: all identifications instead of the primary one only.
    pub full: bool,
    /// `includeResultPdf=true`: include the result PDF record (its bytes need
    /// `include_binary_data` too).
    pub include_result_pdf: bool,
    /// `includeBinaryData=true`: include `documentData` (Base64) of the records.
    pub include_binary_data: bool,
}

impl GetCaseOptions {
    /// All identifications, the result PDF and every file's bytes.
    pub fn everything() -> Self {
        GetCaseOptions {
            full: true,
            include_result_pdf: true,
            include_binary_data: true,
        }
    }
}

/// The filters of the list calls (result guide 7.5.1 and 7.5.2). `Default` is POSTIDENT's own
/// default: closed, unarchived cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// `/full`: all identifications of each case.
    pub full: bool,
    /// `/status`: only status data (caseId, caseStatus, customData, method and status,
    /// accounting data).
    pub status_only: bool,
    /// `new`: include cases in status `new` (POSTIDENT default false).
    pub new: bool,
    /// `inProgress`: include cases in progress (POSTIDENT default false).
    pub in_progress: bool,
    /// `closed`: include closed cases (POSTIDENT default true).
    pub closed: bool,
    /// `archived`: include archived cases (POSTIDENT default false).
    pub archived: bool,
    /// `createdFrom`.
    pub created_from: Option<DateTime<FixedOffset>>,
    /// `createdUntil`.
    pub created_until: Option<DateTime<FixedOffset>>,
    /// `closedFrom`.
    pub closed_from: Option<DateTime<FixedOffset>>,
    /// `closedUntil`.
    pub closed_until: Option<DateTime<FixedOffset>>,
    /// `maxResults`: documented for the status lists only. For data lists it is applied on our
    /// side (the answer is cut), since POSTIDENT does not document it there.
    pub max_results: Option<u32>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            full: false,
            status_only: false,
            new: false,
            in_progress: false,
            closed: true,
            archived: false,
            created_from: None,
            created_until: None,
            closed_from: None,
            closed_until: None,
            max_results: None,
        }
    }
}

impl ListQuery {
    /// The path below `.../cases`: ``, `/full`, `/status` or `/status/full`.
    pub(crate) fn path_suffix(&self) -> &'static str {
        match (self.status_only, self.full) {
            (false, false) => "",
            (false, true) => "/full",
            (true, false) => "/status",
            (true, true) => "/status/full",
        }
    }

    /// The query parameters, dates as ISO 8601 with offset (`2016-12-26T00:00:00+02:00`).
    /// Every parameter is sent explicitly, defaults included, so the answer never depends on
    /// POSTIDENT's defaults. URL encoding (`+` → `%2B`, `:` → `%3A`) happens when the URL is
    /// built.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![
            ("new", self.new.to_string()),
            ("inProgress", self.in_progress.to_string()),
            ("closed", self.closed.to_string()),
            ("archived", self.archived.to_string()),
        ];
        for (name, value) in [
            ("createdFrom", &self.created_from),
            ("createdUntil", &self.created_until),
            ("closedFrom", &self.closed_from),
            ("closedUntil", &self.closed_until),
        ] {
            if let Some(t) = value {
                p.push((name, iso8601(t)));
            }
        }
        if let (true, Some(max)) = (self.status_only, self.max_results) {
            p.push(("maxResults", max.to_string()));
        }
        p
    }
}

/// A timestamp as POSTIDENT writes them: seconds, offset `±hh:mm` (never `Z`).
pub fn iso8601(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parameters_are_explicit_and_dates_keep_their_offset() {
        let mut q = ListQuery {
            created_from: Some(DateTime::parse_from_rfc3339("2016-12-26T00:00:00+02:00").unwrap()),
            closed_until: Some(DateTime::parse_from_rfc3339("2016-12-28T00:00:00Z").unwrap()),
            max_results: Some(5),
            ..Default::default()
        };
        let params = q.parameters();
        assert!(params.contains(&("createdFrom", "2016-12-26T00:00:00+02:00".into())));
        assert!(params.contains(&("closedUntil", "2016-12-28T00:00:00+00:00".into())));
        assert!(params.contains(&("closed", "true".into())));
        assert!(!params.iter().any(|(n, _)| *n == "maxResults"), "data list");
        q.status_only = true;
        assert!(q.parameters().contains(&("maxResults", "5".into())));
        let mut url = url::Url::parse("https://x.example/cases").unwrap();
        url.query_pairs_mut()
            .append_pair("createdFrom", "2016-12-26T00:00:00+02:00");
        assert_eq!(
            url.query(),
            Some("createdFrom=2016-12-26T00%3A00%3A00%2B02%3A00")
        );
    }
}
