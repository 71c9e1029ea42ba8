//! The documented state tables of the five POSTIDENT identification methods (result guide
//! section 4.1 to 4.5), the photo record validation statuses (4.4.1), and which status type each
//! state has (section 2.6) — the one place the simulator's state machine reads.

use std::fmt;

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

const AUTOID_INCOMPLETE_SUB: &[Code] = &[
    (80, "Problem with recordings"),
    (81, "Problem with document"),
    (82, "Problem with result data"),
    (83, "Incomplete other"),
    (85, "Abort due to technical problem"),
    (86, "Abort due to connection problem"),
    (87, "Problem with person"),
    (97, "Cancellation by user"),
];
const AUTOID_INCOMPLETE_REASONS: &[Code] = &[
    (800, "User has cancelled"),
    (801, "Recordings not complete"),
    (802, "Quality of one or more recordings too poor"),
    (803, "Document not recognized"),
    (804, "Document not supported"),
    (805, "Document damaged"),
    (806, "Document covered"),
    (807, "Document expired"),
    (808, "Address not complete"),
    (809, "Other technical problem during identification attempt"),
    (810, "Ident/case already finished"),
    (811, "Incomplete other reason"),
    (817, "Technical problem with recorded files"),
    (818, "Backend cannot finish identification attempt"),
    (819, "Problem with WebSocket connection"),
    (820, "Data fields from document not complete"),
    (821, "Problem with agent result"),
    (822, "Cancelled by automatic cleanup"),
    (823, "Liveness check not sufficient"),
    (824, "Security features not recognisable well enough"),
    (825, "Once no serious attempt to identify"),
    (826, "No document captured"),
    (827, "Wrong document page captured"),
    (828, "Device moved instead of document"),
    (829, "Device moved instead of person"),
    (831, "Problem with review result"),
    (832, "Residence permit no ID card substitute"),
    (833, "More than one document captured"),
    (834, "Timeout during machine phase"),
    (973, "Timeout at user"),
    (974, "Timeout in app because in background"),
];
const EXPIRED: &[Code] = &[(12, "Operation valid time frame exceeded (case ID)")];
const FRAUD: &[Code] = &[(11, "Fraud suspicion")];

const AUTOID: &[Row] = &[
    row(IdentStatus::Started, None, &[], &[], false),
    row(
        IdentStatus::ReviewPending,
        Some(StatusType::Notification),
        &[],
        &[],
        false,
    ),
    row(
        IdentStatus::Incomplete,
        Some(StatusType::Notification),
        AUTOID_INCOMPLETE_SUB,
        AUTOID_INCOMPLETE_REASONS,
        false,
    ),
    row(
        IdentStatus::Cancelled,
        Some(StatusType::Cancelled),
        &[(94, "Cancellation by this ident")],
        &[(900, "Maximum number of cancellations by user exceeded")],
        false,
    ),
    row(
        IdentStatus::Success,
        Some(StatusType::Final),
        &[],
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        FRAUD,
        &[
            (830, "Identification document from copy instead of original"),
            (110, "Identification document possibly forged"),
            (111, "Person does not match photo"),
            (113, "Multiple persons present"),
            (119, "Other reason for fraud suspicion"),
        ],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        &[(15, "Abuse")],
        &[(815, "Inappropriate content in recordings")],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        &[(84, "Declined other")],
        &[
            (814, "Repeatedly no serious attempt to identify"),
            (816, "Declined other reason"),
        ],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        EXPIRED,
        &[],
        false,
    ),
];

const BASIC: &[Row] = &[
    row(IdentStatus::Started, None, &[], &[], false),
    row(
        IdentStatus::CouponRequested,
        Some(StatusType::Notification),
        &[],
        &[],
        false,
    ),
    row(
        IdentStatus::Incomplete,
        None,
        &[
            (53, "Identification document has expired"),
            (54, "Unsupported identification document"),
            (70, "Error in the printed form data"),
            (71, "User rejects document scan"),
            (97, "Cancellation by user"),
            (98, "Cancellation for technical reasons"),
        ],
        &[],
        false,
    ),
    row(
        IdentStatus::ReviewPending,
        Some(StatusType::Preliminary),
        &[],
        &[],
        false,
    ),
    row(
        IdentStatus::Success,
        Some(StatusType::Final),
        &[],
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        FRAUD,
        &[(115, "No matching signature"), (116, "No matching photo")],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        &[(16, "Identification with abnormalities")],
        &[
            (114, "Document shows abnormalities"),
            (117, "Inconsistencies with date of expiry"),
            (112, "Multiple identity checks for single person"),
            (113, "Multiple persons present"),
            (
                123,
                "Multiple identity checks for single person over longer period of time",
            ),
        ],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        &[(
            17,
            "Identification with unrecoverable data problem in identification document",
        )],
        &[(118, "Images of document not received")],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        EXPIRED,
        &[],
        false,
    ),
];

const EID: &[Row] = &[
    row(IdentStatus::Started, None, &[], &[], false),
    row(
        IdentStatus::Incomplete,
        None,
        &[
            (53, "Identification document has expired"),
            (54, "Identification document not supported"),
            (59, "Identification document invalid"),
            (60, "eID unknown error"),
            (61, "eID problem with authentication / PIN"),
            (62, "eID problem reading card"),
            (63, "eID problem with eID server"),
            (64, "Problem with custom step"),
            (97, "Cancellation by user"),
            (98, "Cancellation for technical reasons"),
            (99, "Cancellation for other reasons"),
        ],
        &[
            (591, "ID card with invalid certificate (e.g. test ID card)"),
            (592, "ID card does not provide all of the required data"),
            (600, "eCardAPI reports unknown error"),
            (610, "Error in eID client"),
            (611, "Incomplete data from PIN or card"),
            (612, "Authentication failed"),
            (613, "PIN entered incorrectly too often"),
            (614, "PIN deactivated"),
            (
                620,
                "Error in communication between Ecard client (browser) and card reader",
            ),
            (
                621,
                "Error in communication between eID client (app) and card",
            ),
            (622, "Chip card error"),
            (623, "Card slipped / not readable / removed"),
            (630, "eID server not operational"),
            (631, "eID client cannot communicate with eID server"),
            (640, "Document image upload step cannot start"),
            (973, "Timeout at user"),
            (974, "Timeout in app because in background"),
            (975, "User cancelled eID attempt"),
            (996, "Ident/case already finished"),
            (998, "Other reason for cancellation"),
        ],
        false,
    ),
    row(
        IdentStatus::Success,
        Some(StatusType::Final),
        &[],
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        FRAUD,
        &[(122, "Identification document blocked by authorities")],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        EXPIRED,
        &[],
        false,
    ),
];

const PHOTO: &[Row] = &[
    row(IdentStatus::Started, None, &[], &[], false),
    row(
        IdentStatus::ReviewPending,
        Some(StatusType::Notification),
        &[],
        &[],
        false,
    ),
    row(
        IdentStatus::Incomplete,
        Some(StatusType::Notification),
        &[
            (
                31,
                "Identification document or driving licence not supported",
            ),
            (32, "Identification document or driving licence expired"),
            (33, "Document or person not clearly identifiable"),
            (34, "Image or video quality insufficient"),
        ],
        &[],
        false,
    ),
    row(
        IdentStatus::Success,
        Some(StatusType::Final),
        &[],
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        FRAUD,
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        &[(15, "Abuse (e.g. nonsense, nude photos)")],
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        EXPIRED,
        &[],
        false,
    ),
];

const VIDEO: &[Row] = &[
    row(IdentStatus::Started, None, &[], &[], false),
    row(
        IdentStatus::Incomplete,
        None,
        &[
            (51, "Language problems"),
            (
                52,
                "Insufficient video quality (security features cannot be verified or identification document unreadable)",
            ),
            (53, "Identification document has expired"),
            (54, "Unsupported identification document"),
            (55, "Problem with TAN"),
            (56, "Identification document damaged"),
            (57, "Cancellation in queue"),
            (58, "Problem with video chat recording"),
            (97, "Cancellation by user"),
            (98, "Cancellation for technical reasons"),
            (99, "Cancellation for other reasons"),
        ],
        &[
            (200, "Video only, no audio"),
            (201, "Audio only, no video"),
            (202, "Videochat recording not possible"),
            (203, "Videochat recording faulty"),
            (204, "Videochat recording with other problem"),
            (
                205,
                "Videochat recording faulty due to max queue size reached",
            ),
            (
                206,
                "Videochat recording faulty due to too many chunks lost",
            ),
            (
                207,
                "Videochat recording faulty due to agent disallowing screen share function (e.g. pressing stop button)",
            ),
            (520, "Pixelated/blurry/no autofocus/mirrored"),
            (523, "Bad lighting conditions"),
            (525, "User has problems with camera"),
            (550, "User did not enter correct TAN"),
            (570, "Cancellation in queue by system"),
            (971, "Cancellation in queue by user"),
            (972, "User has hung up"),
            (973, "Timeout at user"),
            (974, "Timeout in app because in background"),
            (980, "Connection quality"),
            (981, "Video cannot be accepted"),
            (982, "Video and audio are not established"),
            (985, "User did not receive TAN"),
            (986, "Sudden disconnection"),
            (987, "Frozen image"),
            (988, "Timeout in queue"),
            (989, "Other technical reason for cancellation"),
            (990, "User uncooperative"),
            (991, "User operating error"),
            (992, "Case belongs to different person"),
            (998, "Other reason for cancellation"),
        ],
        false,
    ),
    row(
        IdentStatus::ReviewPending,
        Some(StatusType::Preliminary),
        &[
            (11, "Fraud suspicion (e.g. nonsense, nude photos)"),
            (15, "Abuse"),
        ],
        &[],
        false,
    ),
    row(IdentStatus::Success, Some(StatusType::Final), &[], &[], true),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        FRAUD,
        &[
            (110, "Identification document possibly forged"),
            (111, "Person does not match photo"),
            (112, "Multiple identity checks for single person"),
            (113, "Multiple persons present"),
            (119, "Other reason for fraud suspicion"),
            (121, "Social engineering"),
        ],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        &[(15, "Abuse (e.g. nonsense, nude photos)")],
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        &[
            (
                19,
                "Identification with unrecoverable data problem in videochat recording",
            ),
            (99, "Cancellation for other reason"),
        ],
        &[],
        true,
    ),
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        EXPIRED,
        &[(120, "Videochat recording missing or faulty")],
        false,
    ),
];

const fn row(
    status: IdentStatus,
    status_type: Option<StatusType>,
    sub_status: &'static [Code],
    reasons: &'static [Code],
    result_data: bool,
) -> Row {
    Row {
        status,
        status_type,
        sub_status,
        reasons,
        result_data,
    }
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
