//! One module per `kyc` subcommand.

pub mod case;
pub mod demo;
pub mod journal;
pub mod keygen;
pub mod normalize;
pub mod sandbox;
pub mod serve;
pub mod webhook;

/// Loads the configuration file and connects to its provider, with errors as one line.
pub fn connect(config: &std::path::Path) -> Result<Box<dyn kyc::KycProvider>, String> {
    let config = kyc::Config::load(config).map_err(|e| e.to_string())?;
    kyc::connect(&config).map_err(|e| e.to_string())
}
