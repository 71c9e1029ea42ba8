//! The rows of the five state tables (result guide sections 4.1 to 4.5), transcribed: each
//! identification status with its status type, its subStatus and subStatusReason codes and
//! whether it carries result data. [`super::table`] picks a method's table.

use super::{Code, IdentStatus, Row, StatusType};

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

pub(super) const AUTOID: &[Row] = &[
    STARTED,
    waiting(IdentStatus::ReviewPending, StatusType::Notification),
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
    SUCCESS,
    declined(
        FRAUD,
        &[
            (830, "Identification document from copy instead of original"),
            (110, "Identification document possibly forged"),
            (111, "Person does not match photo"),
            (113, "Multiple persons present"),
            (119, "Other reason for fraud suspicion"),
        ],
    ),
    declined(
        &[(15, "Abuse")],
        &[(815, "Inappropriate content in recordings")],
    ),
    declined(
        &[(84, "Declined other")],
        &[
            (814, "Repeatedly no serious attempt to identify"),
            (816, "Declined other reason"),
        ],
    ),
    expired(&[]),
];

pub(super) const BASIC: &[Row] = &[
    STARTED,
    waiting(IdentStatus::CouponRequested, StatusType::Notification),
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
    waiting(IdentStatus::ReviewPending, StatusType::Preliminary),
    SUCCESS,
    declined(
        FRAUD,
        &[(115, "No matching signature"), (116, "No matching photo")],
    ),
    declined(
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
    ),
    declined(
        &[(
            17,
            "Identification with unrecoverable data problem in identification document",
        )],
        &[(118, "Images of document not received")],
    ),
    expired(&[]),
];

pub(super) const EID: &[Row] = &[
    STARTED,
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
    SUCCESS,
    declined(
        FRAUD,
        &[(122, "Identification document blocked by authorities")],
    ),
    expired(&[]),
];

pub(super) const PHOTO: &[Row] = &[
    STARTED,
    waiting(IdentStatus::ReviewPending, StatusType::Notification),
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
    SUCCESS,
    declined(FRAUD, &[]),
    declined(&[(15, "Abuse (e.g. nonsense, nude photos)")], &[]),
    expired(&[]),
];

pub(super) const VIDEO: &[Row] = &[
    STARTED,
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
    SUCCESS,
    declined(FRAUD, &[
            (110, "Identification document possibly forged"),
            (111, "Person does not match photo"),
            (112, "Multiple identity checks for single person"),
            (113, "Multiple persons present"),
            (119, "Other reason for fraud suspicion"),
            (121, "Social engineering"),
        ]),
    declined(&[(15, "Abuse (e.g. nonsense, nude photos)")], &[]),
    declined(&[
            (
                19,
                "Identification with unrecoverable data problem in videochat recording",
            ),
            (99, "Cancellation for other reason"),
        ], &[]),
    expired(&[(120, "Videochat recording missing or faulty")]),
];

/// A state without subStatus before any result: the attempt has begun.
const STARTED: Row = row(IdentStatus::Started, None, &[], &[], false);
/// The successful final state, with result data.
const SUCCESS: Row = row(
    IdentStatus::Success,
    Some(StatusType::Final),
    &[],
    &[],
    true,
);

/// A state without codes or result data that the user or an agent has yet to act on (coupon
/// requested, review pending).
const fn waiting(status: IdentStatus, status_type: StatusType) -> Row {
    row(status, Some(status_type), &[], &[], false)
}

/// A final decline with result data (fraud, abuse, abnormalities, unusable data).
const fn declined(sub_status: &'static [Code], reasons: &'static [Code]) -> Row {
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        sub_status,
        reasons,
        true,
    )
}

/// The final decline every method ends in when the case's valid time frame passes (subStatus
/// 12), without result data.
const fn expired(reasons: &'static [Code]) -> Row {
    row(
        IdentStatus::Declined,
        Some(StatusType::Final),
        EXPIRED,
        reasons,
        false,
    )
}

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
