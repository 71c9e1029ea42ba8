//! Every record (result PDF, images, signatures) of a case as a neutral [`Artifact`], inline or
//! as a download the adapter resolves.

use super::artifact_kind;
use super::RECORD_FRAGMENT;
use crate::wire::{CaseResult, IdentificationResult, RecordResult};
use bytes::Bytes;
use kyc_core::{Artifact, ArtifactSource};

/// The download path recorded for a record without inline bytes: the `/full` case with binary
/// data, plus a fragment naming the record (the fragment is never sent).
pub fn record_download_path(client_id: &str, case_id: &str, record: &RecordResult) -> String {
    let id = record
        .record_id
        .clone()
        .or_else(|| record.file_name.clone())
        .unwrap_or_default();
    format!(
        "scr/v1/{client_id}/cases/{case_id}/full?includeResultPdf=true&includeBinaryData=true#{RECORD_FRAGMENT}{id}"
    )
}

pub(super) fn artifacts(result: &CaseResult, case_id: &str, client_id: &str) -> Vec<Artifact> {
    let mut idents: Vec<&IdentificationResult> = result.identifications.iter().collect();
    if let Some(p) = &result.primary_ident {
        idents.insert(0, p);
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for ident in idents {
        for record in ident.all_records() {
            let key = record
                .record_id
                .clone()
                .or_else(|| record.file_name.clone())
                .unwrap_or_default();
            if !seen.insert(key) {
                continue;
            }
            out.push(artifact(record, case_id, client_id));
        }
    }
    out
}

/// The artifact of one record.
pub fn artifact(record: &RecordResult, case_id: &str, client_id: &str) -> Artifact {
    let source = match record.decode_document_data() {
        Ok(Some(bytes)) => ArtifactSource::Inline {
            data: Bytes::from(bytes),
        },
        Ok(None) => ArtifactSource::Download {
            path: record_download_path(client_id, case_id, record),
        },
        Err(_) => {
            tracing::warn!(
                record_id = record.record_id.as_deref().unwrap_or("?"),
                "POSTIDENT: documentData is not Base64; the file will be fetched again"
            );
            ArtifactSource::Download {
                path: record_download_path(client_id, case_id, record),
            }
        }
    };
    let name = record
        .file_name
        .clone()
        .or_else(|| record.record_id.clone())
        .unwrap_or_default();
    let mut artifact = Artifact::new(artifact_kind(record.record_type.as_ref()), name, source);
    artifact.mime_type = record.mime_type.clone();
    artifact
}

/// Finds the record an artifact names in a case fetched with binary data, and decodes it.
pub fn find_record_bytes(
    result: &CaseResult,
    artifact: &Artifact,
) -> Result<Option<Bytes>, base64::DecodeError> {
    let wanted_id = match &artifact.source {
        ArtifactSource::Download { path } => path
            .split_once('#')
            .and_then(|(_, f)| f.strip_prefix(RECORD_FRAGMENT))
            .map(str::to_string),
        _ => None,
    };
    let mut idents: Vec<&IdentificationResult> = result.identifications.iter().collect();
    if let Some(p) = &result.primary_ident {
        idents.insert(0, p);
    }
    for ident in idents {
        for record in ident.all_records() {
            let id_matches = wanted_id.as_deref().is_some_and(|w| {
                record.record_id.as_deref() == Some(w) || record.file_name.as_deref() == Some(w)
            });
            let name_matches =
                wanted_id.is_none() && record.file_name.as_deref() == Some(artifact.name.as_str());
            if id_matches || name_matches {
                if let Some(bytes) = record.decode_document_data()? {
                    return Ok(Some(Bytes::from(bytes)));
                }
            }
        }
    }
    Ok(None)
}
