//! The login token: obtained with the API key, cached, reused for every call, and replaced once
//! when IDnow rejects it — however many tasks notice the rejection at the same moment.
//!
//! IDnow invalidates a token after 60 minutes without use. The cache tracks the last use and
//! logs in again before that idle limit is reached (with a one-minute margin), so a token that
//! is certainly expired is never sent. A 401 (`INVALID_LOGIN_TOKEN`, `TOKEN_EXPIRED`) on a token
//! still triggers one re-login and one retry: the caller passes the generation of the token it
//! used, and only the first task to report a given generation logs in; the others wait on the
//! same lock and reuse the fresh token.

use kyc_core::{Result, Secret};
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// IDnow's documented idle lifetime of a login token.
pub const TOKEN_IDLE_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// How long before the idle limit the cache logs in again.
pub const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token handed to a caller, with the generation to report if IDnow rejects it.
#[derive(Clone)]
pub(crate) struct IssuedToken {
    pub value: Secret,
    pub generation: u64,
}

struct Cached {
    value: Secret,
    generation: u64,
    last_used: Instant,
}

impl Cached {
    /// The cached token, to use again now.
    fn reuse(&mut self) -> IssuedToken {
        self.last_used = Instant::now();
        IssuedToken {
            value: self.value.clone(),
            generation: self.generation,
        }
    }
}

/// The token cache. `Debug` never shows the token.
pub(crate) struct TokenCache {
    state: Mutex<Option<Cached>>,
    idle_lifetime: Duration,
    next_generation: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCache { .. redacted .. }")
    }
}

impl TokenCache {
    pub fn new() -> Self {
        TokenCache {
            state: Mutex::new(None),
            idle_lifetime: TOKEN_IDLE_LIFETIME,
            next_generation: std::sync::atomic::AtomicU64::new(1),
        }
    }

    fn fresh(&self, cached: &Cached) -> bool {
        cached.last_used.elapsed() + TOKEN_REFRESH_MARGIN < self.idle_lifetime
    }

    /// The current token, logging in first when there is none or it is near its idle limit.
    /// Marks the token as used now.
    pub async fn get<F, Fut>(&self, login: F) -> Result<IssuedToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Secret>>,
    {
        let mut state = self.state.lock().await;
        if let Some(cached) = state.as_mut() {
            if self.fresh(cached) {
                return Ok(cached.reuse());
            }
            tracing::debug!("IDnow login token near its idle limit; logging in again");
        }
        self.login_locked(&mut state, login).await
    }

    /// Called after IDnow rejected the token of `generation`: logs in once (unless another task
    /// already replaced that token) and returns the token to retry with.
    pub async fn refresh<F, Fut>(&self, rejected_generation: u64, login: F) -> Result<IssuedToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Secret>>,
    {
        let mut state = self.state.lock().await;
        if let Some(cached) = state.as_mut() {
            if cached.generation != rejected_generation && self.fresh(cached) {
                return Ok(cached.reuse());
            }
        }
        tracing::debug!("IDnow rejected the login token; logging in again");
        self.login_locked(&mut state, login).await
    }

    /// Forgets the token (the next call logs in).
    pub async fn clear(&self) {
        *self.state.lock().await = None;
    }

    async fn login_locked<F, Fut>(
        &self,
        state: &mut Option<Cached>,
        login: F,
    ) -> Result<IssuedToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Secret>>,
    {
        *state = None;
        let value = login().await?;
        let generation = self
            .next_generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *state = Some(Cached {
            value: value.clone(),
            generation,
            last_used: Instant::now(),
        });
        Ok(IssuedToken { value, generation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn one_login_for_many_tasks_and_one_refresh_per_rejection() {
        let cache = Arc::new(TokenCache::new());
        let logins = Arc::new(AtomicUsize::new(0));
        let login = |logins: Arc<AtomicUsize>| async move {
            let n = logins.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(Secret::new(format!("token-{n}")))
        };
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (c, l) = (cache.clone(), logins.clone());
            tasks.push(tokio::spawn(
                async move { c.get(|| login(l)).await.unwrap() },
            ));
        }
        let mut generations = Vec::new();
        for t in tasks {
            generations.push(t.await.unwrap().generation);
        }
        assert_eq!(logins.load(Ordering::SeqCst), 1);
        let rejected = generations[0];
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (c, l) = (cache.clone(), logins.clone());
            tasks.push(tokio::spawn(async move {
                c.refresh(rejected, || login(l)).await.unwrap()
            }));
        }
        for t in tasks {
            let issued = t.await.unwrap();
            assert_eq!(issued.value.expose(), "token-2");
        }
        assert_eq!(logins.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_idle_token_is_replaced_before_use() {
        let mut cache = TokenCache::new();
        cache.idle_lifetime = TOKEN_REFRESH_MARGIN + Duration::from_millis(30);
        let logins = AtomicUsize::new(0);
        let login = || async {
            logins.fetch_add(1, Ordering::SeqCst);
            Ok(Secret::new("t"))
        };
        cache.get(login).await.unwrap();
        cache.get(login).await.unwrap();
        assert_eq!(logins.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(50)).await;
        cache.get(login).await.unwrap();
        assert_eq!(logins.load(Ordering::SeqCst), 2);
    }
}
