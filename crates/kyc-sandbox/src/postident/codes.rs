//! The documented state tables of the five POSTIDENT identification methods (result guide
//! section 4.1 to 4.5), the photo record validation statuses (4.4.1), and which status type each
//! state has (section 2.6) — the one place the simulator's state machine reads.

use std::fmt;

mod tables;
use tables::{AUTOID, BASIC, EID, PHOTO, VIDEO};

/// A POSTIDENT identification method (`identificationMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// POSTIDENT via AutoID.
    Autoid,
    /// POSTIDENT in a post office.
    Basic,
    /// POSTIDENT with the online ID function.
    Eid,
    /// POSTIDENT via photo.
    Photo,
    /// POSTIDENT via video chat.
    Video,
}

impl Method {
    /// All five methods, in the guide's alphabetical order.
    pub const ALL: [Method; 5] = [
        Method::Autoid,
        Method::Basic,
        Method::Eid,
        Method::Photo,
        Method::Video,
    ];

    /// The wire name (`autoid`, `basic`, `eid`, `photo`, `video`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Autoid => "autoid",
            Method::Basic => "basic",
            Method::Eid => "eid",
            Method::Photo => "photo",
            Method::Video => "video",
        }
    }

    /// Parses a wire name (case-insensitive).
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Product name written into `accountingData.accountingProduct`.
    pub fn accounting_product(self) -> &'static str {
        match self {
            Method::Autoid => "Postident AutoID",
            Method::Basic => "Postident Basic",
            Method::Eid => "Postident eID",
            Method::Photo => "Postident Foto",
            Method::Video => "Postident Video",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of an identification (`identificationStatus.status`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdentStatus {
    /// `started`
    Started,
    /// `coupon requested` (basic)
    CouponRequested,
    /// `incomplete`
    Incomplete,
    /// `review pending`
    ReviewPending,
    /// `cancelled`
    Cancelled,
    /// `success`
    Success,
    /// `declined`
    Declined,
    /// Any other word (only through the control API's `undocumented` switch).
    Other(String),
}

impl IdentStatus {
    /// The wire form (with spaces, as the guide writes it).
    pub fn as_str(&self) -> &str {
        match self {
            IdentStatus::Started => "started",
            IdentStatus::CouponRequested => "coupon requested",
            IdentStatus::Incomplete => "incomplete",
            IdentStatus::ReviewPending => "review pending",
            IdentStatus::Cancelled => "cancelled",
            IdentStatus::Success => "success",
            IdentStatus::Declined => "declined",
            IdentStatus::Other(s) => s,
        }
    }

    /// Parses the wire form; `coupon_requested`, `couponRequested`, `review_pending` and
    /// `reviewPending` are accepted too. Anything else becomes [`IdentStatus::Other`].
    pub fn parse(s: &str) -> IdentStatus {
        let norm: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect();
        match norm.as_str() {
            "started" => IdentStatus::Started,
            "couponrequested" => IdentStatus::CouponRequested,
            "incomplete" => IdentStatus::Incomplete,
            "reviewpending" => IdentStatus::ReviewPending,
            "cancelled" | "canceled" => IdentStatus::Cancelled,
            "success" => IdentStatus::Success,
            "declined" => IdentStatus::Declined,
            _ => IdentStatus::Other(s.trim().to_owned()),
        }
    }

    /// `success` or `declined`: closes the case.
    pub fn is_final(&self) -> bool {
        matches!(self, IdentStatus::Success | IdentStatus::Declined)
    }

    /// How far an identification with this status got (for the primary identification).
    pub fn progress(&self) -> u8 {
        match self {
            IdentStatus::Cancelled => 0,
            IdentStatus::Other(_) => 1,
            IdentStatus::Started => 2,
            IdentStatus::CouponRequested => 3,
            IdentStatus::Incomplete => 4,
            IdentStatus::ReviewPending => 5,
            IdentStatus::Success | IdentStatus::Declined => 6,
        }
    }
}

/// Status type of a state (section 2.6): which webhook setting it falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusType {
    /// Notification status (coupon requested, autoid/photo review pending and incomplete).
    Notification,
    /// Preliminary result (basic/video review pending).
    Preliminary,
    /// Final result (success, declined).
    Final,
    /// Cancellation of a method (autoid cancelled).
    Cancelled,
}

impl StatusType {
    /// All four status types.
    pub const ALL: [StatusType; 4] = [
        StatusType::Notification,
        StatusType::Preliminary,
        StatusType::Final,
        StatusType::Cancelled,
    ];

    /// Lower-case name (`notification`, `preliminary`, `final`, `cancelled`).
    pub fn as_str(self) -> &'static str {
        match self {
            StatusType::Notification => "notification",
            StatusType::Preliminary => "preliminary",
            StatusType::Final => "final",
            StatusType::Cancelled => "cancelled",
        }
    }
}

/// A code with its documented description (`subStatus`, `subStatusReason`).
pub type Code = (u16, &'static str);

/// One row of a method's state table.
#[derive(Debug)]
pub struct Row {
    /// Identification status of the row.
    pub status: IdentStatus,
    /// Status type (None where the table says `-`).
    pub status_type: Option<StatusType>,
    /// Allowed subStatus codes (none listed: the state has no subStatus).
    pub sub_status: &'static [Code],
    /// Allowed subStatusReason codes for those subStatus codes.
    pub reasons: &'static [Code],
    /// Whether the state carries result data.
    pub result_data: bool,
}

/// The state table of a method.
pub fn table(method: Method) -> &'static [Row] {
    match method {
        Method::Autoid => AUTOID,
        Method::Basic => BASIC,
        Method::Eid => EID,
        Method::Photo => PHOTO,
        Method::Video => VIDEO,
    }
}

/// A state that the tables allow, with its descriptions resolved.
#[derive(Debug, Clone)]
pub struct DocumentedState {
    /// Status type (None where the table says `-`).
    pub status_type: Option<StatusType>,
    /// subStatus with description.
    pub sub_status: Option<Code>,
    /// subStatusReason with description.
    pub reason: Option<Code>,
    /// Whether result data is delivered.
    pub result_data: bool,
}

/// Checks `(status, subStatus, subStatusReason)` against the method's table. A reason needs a
/// subStatus; a subStatus is optional (the guide calls level 2 optional).
pub fn lookup(
    method: Method,
    status: &IdentStatus,
    sub_status: Option<u16>,
    reason: Option<u16>,
) -> Result<DocumentedState, String> {
    let rows: Vec<&Row> = table(method)
        .iter()
        .filter(|r| &r.status == status)
        .collect();
    if rows.is_empty() {
        return Err(format!(
            "status '{}' is not documented for method {method}",
            status.as_str()
        ));
    }
    let Some(sub) = sub_status else {
        if reason.is_some() {
            return Err("subStatusReason needs a subStatus".to_owned());
        }
        let row = rows[0];
        return Ok(DocumentedState {
            status_type: row.status_type,
            sub_status: None,
            reason: None,
            result_data: rows.iter().any(|r| r.result_data),
        });
    };
    for row in &rows {
        let Some(sub_code) = row.sub_status.iter().find(|(c, _)| *c == sub) else {
            continue;
        };
        let reason = match reason {
            None => None,
            Some(r) => match row.reasons.iter().find(|(c, _)| *c == r) {
                Some(found) => Some(*found),
                None => {
                    return Err(format!(
                    "subStatusReason {r} is not documented for {method} '{}' with subStatus {sub}",
                    status.as_str()
                ))
                }
            },
        };
        return Ok(DocumentedState {
            status_type: row.status_type,
            sub_status: Some(*sub_code),
            reason,
            result_data: row.result_data,
        });
    }
    Err(format!(
        "subStatus {sub} is not documented for {method} '{}'",
        status.as_str()
    ))
}

/// The description of any code of a method (for undocumented combinations).
pub fn describe(method: Method, code: u16) -> Option<&'static str> {
    table(method)
        .iter()
        .flat_map(|r| r.sub_status.iter().chain(r.reasons.iter()))
        .find(|(c, _)| *c == code)
        .map(|(_, d)| *d)
}

/// Photo record validation statuses (section 4.4.1).
pub const VALIDATION_STATUSES: &[&str] = &["unchecked", "valid", "invalid"];

/// Photo record validation sub-statuses (only with `invalid`).
pub const VALIDATION_SUB_STATUSES: &[&str] = &[
    "document not supported",
    "document not identifiable",
    "document expired",
    "fraud suspicion",
    "abuse",
    "person not identifiable",
    "bad exposure",
    "too blurry",
    "partly concealed",
    "picture detail not sufficient",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_follows_the_tables() {
        let s = lookup(Method::Autoid, &IdentStatus::Cancelled, Some(94), Some(900)).unwrap();
        assert_eq!(s.status_type, Some(StatusType::Cancelled));
        assert!(lookup(Method::Video, &IdentStatus::Declined, Some(11), Some(815)).is_err());
        assert!(lookup(Method::Basic, &IdentStatus::Cancelled, None, None).is_err());
        let s = lookup(Method::Video, &IdentStatus::Declined, Some(12), Some(120)).unwrap();
        assert!(!s.result_data);
        assert_eq!(
            IdentStatus::parse("coupon_requested"),
            IdentStatus::CouponRequested
        );
    }
}
