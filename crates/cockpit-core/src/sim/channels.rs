//! The simulator's signal channels: the index of each canonical SCADA signal in a turbine's
//! value arrays (checked against `schema::SIGNALS` in the tests).

pub(crate) const WIND: usize = 0;
pub(crate) const DIR: usize = 1;
pub(crate) const POWER: usize = 2;
pub(crate) const ROTOR: usize = 3;
pub(crate) const GEN: usize = 4;
pub(crate) const PITCH: usize = 5;
pub(crate) const AMB: usize = 6;
pub(crate) const NAC: usize = 7;
pub(crate) const OIL: usize = 8;
pub(crate) const GBB: usize = 9;
pub(crate) const GENB: usize = 10;
pub(crate) const WDG: usize = 11;
pub(crate) const HYD: usize = 12;
pub(crate) const CONV: usize = 13;
pub(crate) const TRAFO: usize = 14;
pub(crate) const VIB: usize = 15;
pub(crate) const N_SIGNALS: usize = 16;
