//! [`Journal`]: the connection pool, the dialect, migrations, and the small helpers every other
//! module uses (time, case rows).

use crate::error::{JournalError, Result};
use crate::options::JournalOptions;
use kyc_core::{CaseRef, CaseStatus, Provider};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Row, Transaction};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database engine a journal runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// SQLite: a file (`sqlite://kyc.db`) or memory (`sqlite::memory:`); one process.
    Sqlite,
    /// PostgreSQL (`postgres://...`): several instances on one database.
    Postgres,
}

/// The journal of everything that happened to every case: webhooks as received, the versions of
/// each case, attempts with their payloads, create intents. Cheap to clone (a pool handle).
///
/// Open it with [`Journal::open`]; the schema is migrated on open.
#[derive(Clone)]
pub struct Journal {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    pub(crate) options: JournalOptions,
    /// Woken on every append, so a worker in the same process starts at once.
    pub(crate) appended: Notify,
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal")
            .field("backend", &self.inner.backend)
            .field("instance", &self.inner.options.instance)
            .finish()
    }
}

/// The current time as the journal stores it: Unix microseconds, UTC.
pub(crate) fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Microseconds since the epoch → a UTC timestamp with offset.
pub(crate) fn to_timestamp(micros: i64) -> kyc_core::Timestamp {
    chrono::DateTime::from_timestamp_micros(micros)
        .unwrap_or_default()
        .fixed_offset()
}

pub(crate) fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// The reference as looked up: IDnow transaction numbers are case-insensitive.
pub(crate) fn reference_key(provider: Provider, reference: &str) -> String {
    match provider {
        Provider::Idnow => reference.to_ascii_lowercase(),
        _ => reference.to_string(),
    }
}

pub(crate) fn status_json(
    status: &CaseStatus,
    provider_status: &str,
    reasons: &[kyc_core::Reason],
) -> String {
    let mut v = serde_json::to_value(status).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert("provider_status".into(), provider_status.into());
        map.insert(
            "reasons".into(),
            serde_json::to_value(reasons).unwrap_or_default(),
        );
    }
    v.to_string()
}

impl Journal {
    /// Opens the journal at `url` with default options and applies the schema migrations.
    ///
    /// `sqlite://path/kyc.db` (created when missing), `sqlite::memory:` (tests; gone with the
    /// process), `postgres://user:password@host:port/database`.
    pub async fn open(url: &str) -> Result<Journal> {
        Journal::open_with(url, JournalOptions::default()).await
    }

    /// Opens the journal at `url` with `options` and applies the schema migrations.
    pub async fn open_with(url: &str, options: JournalOptions) -> Result<Journal> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let pool_options = match backend {
            // One connection: SQLite has one writer, and `sqlite::memory:` is per connection.
            // Every statement of the journal is short; nothing holds a transaction across a
            // provider call.
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        }
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL with synchronous=FULL: a committed append survives a crash of the
                    // process and of the machine.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                }
                Ok(())
            })
        });
        let pool = pool_options
            .connect(&url)
            .await
            .map_err(JournalError::db("connect"))?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Journal {
            inner: Arc::new(Inner {
                pool,
                backend,
                options,
                appended: Notify::new(),
            }),
        })
    }

    /// The engine this journal runs on.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The options it was opened with.
    pub fn options(&self) -> &JournalOptions {
        &self.inner.options
    }

    /// The connection pool, for checks of your own (health endpoints) and tests.
    pub fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    /// Closes the pool; waits for connections in use to be returned.
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    /// Begins a transaction on the pool; `operation` names it in the error (`"begin purge"`).
    pub(crate) async fn begin(&self, operation: &'static str) -> Result<Transaction<'static, Any>> {
        self.inner
            .pool
            .begin()
            .await
            .map_err(JournalError::db(operation))
    }

    /// ` FOR UPDATE` on PostgreSQL, nothing on SQLite (one connection: already exclusive).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.inner.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// Finds the journal's row of a case by case id or reference, creating it when the journal
    /// has not seen the case yet, and fills in an id the row lacked. Returns the row id.
    pub(crate) async fn case_row(
        &self,
        conn: &mut sqlx::AnyConnection,
        case_ref: &CaseRef,
    ) -> Result<i64> {
        let provider = case_ref.provider.name();
        let reference_key = case_ref
            .reference
            .as_deref()
            .map(|r| reference_key(case_ref.provider, r));
        if case_ref.case_id.is_none() && reference_key.is_none() {
            return Err(JournalError::Provider(kyc_core::Error::new(
                kyc_core::ErrorKind::InvalidInput,
                "the case names neither a case id nor a reference",
            )));
        }
        for _ in 0..3 {
            let found: Option<AnyRow> = sqlx::query(
                "SELECT id, case_id, reference_key FROM kyc_cases \
                 WHERE provider = $1 AND (case_id = $2 OR reference_key = $3) ORDER BY id LIMIT 1",
            )
            .bind(provider)
            .bind(case_ref.case_id.clone())
            .bind(reference_key.clone())
            .fetch_optional(&mut *conn)
            .await
            .map_err(JournalError::db("find case"))?;
            if let Some(row) = found {
                let id: i64 = row.get("id");
                let has_id: Option<String> = row.get("case_id");
                let has_ref: Option<String> = row.get("reference_key");
                if has_id.is_none() && case_ref.case_id.is_some() {
                    sqlx::query(
                        "UPDATE kyc_cases SET case_id = $1 WHERE id = $2 AND case_id IS NULL \
                         AND NOT EXISTS (SELECT 1 FROM kyc_cases o WHERE o.provider = $3 AND o.case_id = $1)",
                    )
                    .bind(case_ref.case_id.clone())
                    .bind(id)
                    .bind(provider)
                    .execute(&mut *conn)
                    .await
                    .map_err(JournalError::db("complete case ids"))?;
                }
                if has_ref.is_none() && reference_key.is_some() {
                    sqlx::query(
                        "UPDATE kyc_cases SET reference = $1, reference_key = $2 WHERE id = $3 \
                         AND reference_key IS NULL AND NOT EXISTS \
                         (SELECT 1 FROM kyc_cases o WHERE o.provider = $4 AND o.reference_key = $2)",
                    )
                    .bind(case_ref.reference.clone())
                    .bind(reference_key.clone())
                    .bind(id)
                    .bind(provider)
                    .execute(&mut *conn)
                    .await
                    .map_err(JournalError::db("complete case ids"))?;
                }
                return Ok(id);
            }
            let now = now_micros();
            let inserted: Option<AnyRow> = sqlx::query(
                "INSERT INTO kyc_cases (provider, case_id, reference, reference_key, status, \
                 status_json, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'created', $5, 0, $6, $6) \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(provider)
            .bind(case_ref.case_id.clone())
            .bind(case_ref.reference.clone())
            .bind(reference_key.clone())
            .bind(status_json(&CaseStatus::Created, "", &[]))
            .bind(now)
            .fetch_optional(&mut *conn)
            .await
            .map_err(JournalError::db("record case"))?;
            if let Some(row) = inserted {
                return Ok(row.get("id"));
            }
            // Another instance inserted it meanwhile: find it again.
        }
        Err(JournalError::corrupt(
            "case row",
            "could not be found or created (conflicting ids)",
        ))
    }

    /// A known case, by case id or reference (`key` may be either): its row and its ids.
    pub(crate) async fn find_case(
        &self,
        provider: Provider,
        key: &str,
    ) -> Result<Option<KnownCase>> {
        let row: Option<AnyRow> = sqlx::query(
            "SELECT id, case_id, reference FROM kyc_cases WHERE provider = $1 AND \
             (case_id = $2 OR reference_key = $3) ORDER BY id LIMIT 1",
        )
        .bind(provider.name())
        .bind(key)
        .bind(reference_key(provider, key))
        .fetch_optional(&self.inner.pool)
        .await
        .map_err(JournalError::db("find case"))?;
        Ok(row.map(|r| KnownCase {
            row: r.get("id"),
            case_id: r.get("case_id"),
            reference: r.get("reference"),
        }))
    }

    /// The row id of a known case, by case id or reference (`key` may be either).
    pub(crate) async fn find_case_row(&self, provider: Provider, key: &str) -> Result<Option<i64>> {
        Ok(self.find_case(provider, key).await?.map(|c| c.row))
    }
}

/// Commits `tx`; `operation` names it in the error (`"commit purge"`).
pub(crate) async fn commit(tx: Transaction<'_, Any>, operation: &'static str) -> Result<()> {
    tx.commit().await.map_err(JournalError::db(operation))
}

/// Splits the URL into its engine and the form sqlx opens (SQLite files are created when
/// missing).
fn normalise_url(url: &str) -> Result<(Backend, String)> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        if !cfg!(feature = "postgres") {
            return Err(JournalError::Url(
                "postgres:// needs the `postgres` feature of kyc-journal (`journal-postgres` of kyc), which this build leaves out".to_string(),
            ));
        }
        return Ok((Backend::Postgres, url.to_string()));
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        if !cfg!(feature = "sqlite") {
            return Err(JournalError::Url(
                "sqlite: needs the `sqlite` feature of kyc-journal (`journal-sqlite` of kyc), which this build leaves out".to_string(),
            ));
        }
        if rest.contains(":memory:") || rest.contains("mode=memory") {
            return Ok((Backend::Sqlite, url.to_string()));
        }
        let url = if rest.contains("mode=") {
            url.to_string()
        } else if rest.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        return Ok((Backend::Sqlite, url));
    }
    let scheme = url.split(':').next().unwrap_or_default();
    Err(JournalError::Url(format!(
        "unsupported scheme {scheme:?}; use sqlite://path/kyc.db, sqlite::memory: or postgres://..."
    )))
}

/// A case the journal knows: its row and the ids the provider gave it.
pub(crate) struct KnownCase {
    /// The row id in `kyc_cases`.
    pub row: i64,
    /// The provider's case id, when known.
    pub case_id: Option<String>,
    /// The caller's reference, when known.
    pub reference: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(feature = "sqlite", feature = "postgres"))]
    fn urls_name_their_engine() {
        assert_eq!(
            normalise_url("sqlite://kyc.db").unwrap(),
            (Backend::Sqlite, "sqlite://kyc.db?mode=rwc".to_string())
        );
        assert_eq!(normalise_url("sqlite::memory:").unwrap().0, Backend::Sqlite);
        assert_eq!(
            normalise_url("postgres://u:p@127.0.0.1/kyc").unwrap().0,
            Backend::Postgres
        );
        let e = normalise_url("mysql://u:secretpw@h/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("mysql") && !e.contains("secretpw"), "{e}");
    }

    /// Run by `.ci/run` in a build with SQLite only.
    #[test]
    #[cfg(not(feature = "postgres"))]
    fn a_postgres_url_in_a_build_without_postgres_names_the_feature() {
        let e = normalise_url("postgres://u:secretpw@127.0.0.1/kyc")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`postgres` feature") && !e.contains("secretpw"),
            "{e}"
        );
        assert_eq!(normalise_url("sqlite::memory:").unwrap().0, Backend::Sqlite);
    }
}
