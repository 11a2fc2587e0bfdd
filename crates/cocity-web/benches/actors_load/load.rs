//! The load generator behind `bench/actors-load.sh`: `concurrency` workers send GET requests
//! to one URL for `duration`, each over its own keep-alive connection, and the latencies of
//! the successful answers give requests/s, p50 and p99.

use std::time::{Duration, Instant};

/// What one run measured.
pub struct LoadReport {
    pub label: String,
    pub requests: usize,
    pub failures: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl LoadReport {
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn line(&self) -> String {
        format!(
            "{:<34} {:>9.1} req/s   p50 {:>8.2} ms   p99 {:>8.2} ms   ({} requests, {} failed, {:.1} s)",
            self.label,
            self.requests_per_second(),
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            self.requests,
            self.failures,
            self.elapsed.as_secs_f64()
        )
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64)).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Drives `url` with `concurrency` workers for `duration` (plus a one-second warm-up that
/// is not counted). Every loop is bounded by the deadline, so the run always ends.
pub async fn drive(
    label: &str,
    url: &str,
    headers: &[(&str, &str)],
    concurrency: usize,
    duration: Duration,
) -> LoadReport {
    let mut default_headers = reqwest::header::HeaderMap::new();
    for (k, v) in headers {
        default_headers.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            reqwest::header::HeaderValue::from_str(v).unwrap(),
        );
    }
    let warm_up_end = Instant::now() + Duration::from_secs(1);
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let client = reqwest::Client::builder()
            .default_headers(default_headers.clone())
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        let url = url.to_owned();
        workers.push(tokio::spawn(async move {
            while Instant::now() < warm_up_end {
                let _ = client
                    .get(&url)
                    .send()
                    .await
                    .and_then(|r| r.error_for_status());
            }
            let start = Instant::now();
            let end = start + duration;
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            while Instant::now() < end {
                let t = Instant::now();
                match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(_) => latencies.push(t.elapsed()),
                        Err(_) => failures += 1,
                    },
                    _ => failures += 1,
                }
            }
            (latencies, failures, start.elapsed())
        }));
    }
    let mut all = Vec::new();
    let mut failures = 0;
    let mut elapsed = Duration::ZERO;
    for w in workers {
        let (l, f, e) = w.await.unwrap();
        all.extend(l);
        failures += f;
        elapsed = elapsed.max(e);
    }
    all.sort_unstable();
    LoadReport {
        label: label.to_owned(),
        requests: all.len(),
        failures,
        elapsed,
        p50: percentile(&all, 50.0),
        p99: percentile(&all, 99.0),
    }
}
