//! Sandbox time: the provider documents speak of minutes and hours (token idle expiry, webhook
//! retries after 900 s and 3,600 s); tests cannot wait that long. A [`Clock`] scales every
//! documented duration down by a factor, so the same schedule runs in milliseconds.

use std::time::Duration;

/// Scales documented provider durations into real sleeping time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    time_scale: f64,
}

impl Clock {
    /// A clock where sandbox time runs `time_scale` times faster than real time
    /// (`1.0` = real time, `1000.0` = a documented 900 s wait takes 0.9 s). Values that are not
    /// finite or not positive are treated as `1.0`.
    pub fn new(time_scale: f64) -> Self {
        let time_scale = if time_scale.is_finite() && time_scale > 0.0 {
            time_scale
        } else {
            1.0
        };
        Clock { time_scale }
    }

    /// How many times faster than real time the sandbox runs.
    pub fn time_scale(&self) -> f64 {
        self.time_scale
    }

    /// The real duration that stands for `documented` provider time.
    pub fn scaled(&self, documented: Duration) -> Duration {
        Duration::from_secs_f64(documented.as_secs_f64() / self.time_scale)
    }

    /// Sleeps for the real duration that stands for `documented` provider time.
    pub async fn sleep(&self, documented: Duration) {
        tokio::time::sleep(self.scaled(documented)).await
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_documented_durations() {
        let c = Clock::new(1000.0);
        assert_eq!(
            c.scaled(Duration::from_secs(900)),
            Duration::from_millis(900)
        );
        assert_eq!(Clock::new(0.0).time_scale(), 1.0);
        assert_eq!(Clock::new(f64::NAN).time_scale(), 1.0);
    }
}
