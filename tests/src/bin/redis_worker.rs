//! One worker process of the shared-rate-limit test: sends requests through
//! a heymilo client limited by Redis until its time is up (see the usage
//! below), then prints `ok=N limited=N errors=N`.

use std::time::{Duration, Instant};

use heymilo::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, key, redis, per_minute, seconds] = args.as_slice() else {
        return Err("usage: redis_worker BASE_URL API_KEY REDIS_URL PER_MINUTE SECONDS".into());
    };
    let client = Client::builder().api_key(key).v1_base_url(base);
    let client = client.max_retries(0);
    let client = client.rate_limit_per_minute(per_minute.parse()?);
    let client = client.redis_rate_limit(redis).build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds.parse()?);
    let (mut ok, mut limited, mut errors) = (0, 0, 0);
    while Instant::now() < deadline {
        // Stop waiting for a permit at the deadline.
        let call = tokio::time::timeout_at(deadline.into(), client.v1().get_health().send());
        match call.await.map(|sent| sent.map_err(Error::from)) {
            Err(_) => break,
            Ok(Ok(_)) => ok += 1,
            Ok(Err(Error::RateLimited { .. })) => limited += 1,
            Ok(Err(_)) => errors += 1,
        }
    }
    println!("ok={ok} limited={limited} errors={errors}");
    Ok(())
}
