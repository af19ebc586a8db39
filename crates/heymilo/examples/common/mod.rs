//! What the examples share: heymilo-mock started in-process (no account
//! needed) and a client pointed at it for both generations.

/// Starts heymilo-mock with `config` and builds a client for it.
pub async fn mock_and_client(
    config: heymilo_mock::Config,
) -> Result<(heymilo_mock::MockServer, heymilo::Client), Box<dyn std::error::Error>> {
    let mock = heymilo_mock::MockServer::start(config).await?;
    println!("heymilo-mock at {}", mock.base_url());
    let client = heymilo::Client::builder()
        .api_key(mock.api_key())
        .v1_base_url(mock.base_url())
        .v2_base_url(mock.base_url())
        .build()?;
    Ok((mock, client))
}
