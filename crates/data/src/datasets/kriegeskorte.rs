//! Kriegeskorte et al. (2008): the 92 object images and IT representational
//! dissimilarity matrices (human fMRI, 4 subjects x 2 sessions; monkey electrophysiology).

use ndarray::{Array2, Array4, Ix2, Ix4};
use serde::Deserialize;

use crate::error::{DataError, Result};
use crate::formats::{into_dim, parse_csv, parse_npy};

/// Number of stimuli.
pub const N_IMAGES: usize = 92;
/// Bundle path of the stimulus table.
pub const STIMULI: &str = "kriegeskorte2008_92images/stimuli.csv";
/// Bundle path of the human IT RDMs, `[4 subjects, 2 sessions, 92, 92]` float64.
pub const HUMAN_IT: &str = "kriegeskorte2008_92images/rdms_human_it.npy";
/// Bundle path of the group human IT RDM of the paper's Fig. 1.
pub const HUMAN_IT_FIG1: &str = "kriegeskorte2008_92images/rdm_human_it_fig1.npy";
/// Bundle path of the monkey IT RDM (674 neurons).
pub const MONKEY_IT: &str = "kriegeskorte2008_92images/rdm_monkey_it_fig1.npy";
/// Bundle path of the RDM names (subjects and sessions).
pub const RDM_NAMES: &str = "kriegeskorte2008_92images/rdm_names.json";

/// Bundle path of image `index` (0..91).
pub fn image_path(index: usize) -> String {
    format!("kriegeskorte2008_92images/images/{index:03}.png")
}

/// One of the 92 stimuli with its category labels.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImageStimulus {
    /// 0..91.
    pub index: u32,
    /// Relative image path inside the dataset folder.
    pub image: String,
    /// One of: human bodypart/face, nonhuman bodypart/face, natural/artificial inanimate.
    pub category: String,
    /// 1 if the image shows a human.
    pub human: u8,
    /// 1 if the image shows a face.
    pub face: u8,
    /// 1 if animate (human or animal).
    pub animal: u8,
    /// 1 if natural (animate or natural object).
    pub natural: u8,
}

impl ImageStimulus {
    /// Animate = human or non-human body part or face.
    pub fn is_animate(&self) -> bool {
        self.animal == 1
    }
}

/// A square, symmetric dissimilarity matrix over the 92 stimuli.
#[derive(Debug, Clone, PartialEq)]
pub struct Rdm {
    /// What the RDM is (e.g. `hIT | BE | Session: 1`).
    pub name: String,
    /// `[92, 92]` dissimilarities, zero diagonal.
    pub values: Array2<f64>,
}

/// Everything except the images: stimuli, human and monkey IT RDMs.
#[derive(Debug, Clone)]
pub struct Kriegeskorte2008 {
    /// The 92 stimuli in index order.
    pub stimuli: Vec<ImageStimulus>,
    /// `[4, 2, 92, 92]`: subject x session.
    pub human_it: Array4<f64>,
    /// Subject codes in the order of `human_it` (BE, KO, SN, TI).
    pub subjects: Vec<String>,
    /// Group human IT RDM (mean of the 8 subject-session RDMs).
    pub human_it_fig1: Rdm,
    /// Monkey IT RDM.
    pub monkey_it: Rdm,
}

#[derive(Deserialize)]
struct RdmNames {
    rdms_human_it: Vec<Vec<String>>,
    rdm_human_it_fig1: String,
    rdm_monkey_it_fig1: String,
}

/// Raw bytes of the bundle files needed by [`Kriegeskorte2008::parse`].
pub struct KriegeskorteFiles<'a> {
    /// `stimuli.csv`.
    pub stimuli: &'a [u8],
    /// `rdms_human_it.npy`.
    pub human_it: &'a [u8],
    /// `rdm_human_it_fig1.npy`.
    pub human_it_fig1: &'a [u8],
    /// `rdm_monkey_it_fig1.npy`.
    pub monkey_it: &'a [u8],
    /// `rdm_names.json`.
    pub names: &'a [u8],
}

impl Kriegeskorte2008 {
    /// Parses and checks shapes, symmetry and zero diagonals.
    pub fn parse(files: KriegeskorteFiles<'_>) -> Result<Self> {
        let stimuli: Vec<ImageStimulus> = parse_csv(STIMULI, files.stimuli)?;
        if stimuli.len() != N_IMAGES {
            return Err(DataError::malformed(
                STIMULI,
                format!("{} rows, expected {N_IMAGES}", stimuli.len()),
            ));
        }
        let human_it: Array4<f64> = into_dim::<_, Ix4>(
            HUMAN_IT,
            parse_npy(HUMAN_IT, files.human_it, Some(&[4, 2, N_IMAGES, N_IMAGES]))?,
        )?;
        let fig1: Array2<f64> = into_dim::<_, Ix2>(
            HUMAN_IT_FIG1,
            parse_npy(
                HUMAN_IT_FIG1,
                files.human_it_fig1,
                Some(&[N_IMAGES, N_IMAGES]),
            )?,
        )?;
        let monkey: Array2<f64> = into_dim::<_, Ix2>(
            MONKEY_IT,
            parse_npy(MONKEY_IT, files.monkey_it, Some(&[N_IMAGES, N_IMAGES]))?,
        )?;
        let names: RdmNames =
            serde_json::from_slice(files.names).map_err(|e| DataError::malformed(RDM_NAMES, e))?;
        let subjects = names
            .rdms_human_it
            .iter()
            .map(|s| {
                s.first()
                    .and_then(|n| n.split(" | ").nth(1))
                    .unwrap_or("?")
                    .to_string()
            })
            .collect::<Vec<_>>();
        if subjects.len() != 4 {
            return Err(DataError::malformed(RDM_NAMES, "expected 4 subjects"));
        }
        check_rdm(HUMAN_IT_FIG1, &fig1)?;
        check_rdm(MONKEY_IT, &monkey)?;
        for s in 0..4 {
            for k in 0..2 {
                check_rdm(
                    HUMAN_IT,
                    &human_it.slice(ndarray::s![s, k, .., ..]).to_owned(),
                )?;
            }
        }
        Ok(Self {
            stimuli,
            human_it,
            subjects,
            human_it_fig1: Rdm {
                name: names.rdm_human_it_fig1,
                values: fig1,
            },
            monkey_it: Rdm {
                name: names.rdm_monkey_it_fig1,
                values: monkey,
            },
        })
    }

    /// Per-subject human IT RDMs with the two sessions averaged (the METRICS choice).
    pub fn human_it_session_mean(&self) -> Vec<Rdm> {
        (0..self.subjects.len())
            .map(|s| {
                let a = self.human_it.slice(ndarray::s![s, 0, .., ..]);
                let b = self.human_it.slice(ndarray::s![s, 1, .., ..]);
                Rdm {
                    name: format!("hIT | {} | sessions 1+2", self.subjects[s]),
                    values: (&a + &b) / 2.0,
                }
            })
            .collect()
    }
}

fn check_rdm(path: &str, rdm: &Array2<f64>) -> Result<()> {
    let n = rdm.nrows();
    for i in 0..n {
        if rdm[[i, i]] != 0.0 {
            return Err(DataError::malformed(
                path,
                format!("diagonal entry {i} is not zero"),
            ));
        }
        for j in 0..i {
            let (a, b) = (rdm[[i, j]], rdm[[j, i]]);
            if !a.is_finite() || (a - b).abs() > 1e-9 * a.abs().max(1.0) {
                return Err(DataError::malformed(
                    path,
                    format!("not symmetric/finite at ({i}, {j})"),
                ));
            }
        }
    }
    Ok(())
}
