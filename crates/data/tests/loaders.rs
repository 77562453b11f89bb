//! Loaders reject malformed content with errors that name the bundle file.
#![cfg(not(target_arch = "wasm32"))]

use brainprobe_data::datasets::{fedorenko, futrell::NaturalStories, pereira, tang};
use brainprobe_data::DataError;

fn assert_malformed(err: DataError, file: &str) {
    assert!(matches!(err, DataError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains(file), "`{err}` should name {file}");
}

#[test]
fn pereira_ids_must_be_sequential_and_responses_finite() {
    let ok = "sentence_id,sentence,effect_size\n0,A cat.,0.5\n1,\"A dog, barking.\",-0.1\n";
    let rows = pereira::parse_sentences(ok.as_bytes()).unwrap();
    assert_eq!(rows[1].text, "A dog, barking.");
    let gap = "sentence_id,sentence,effect_size\n0,A cat.,0.5\n2,A dog.,0.1\n";
    assert_malformed(
        pereira::parse_sentences(gap.as_bytes()).unwrap_err(),
        pereira::SENTENCES,
    );
    let nan = "sentence_id,sentence,effect_size\n0,A cat.,NaN\n";
    assert_malformed(
        pereira::parse_sentences(nan.as_bytes()).unwrap_err(),
        pereira::SENTENCES,
    );
    assert_malformed(
        pereira::parse_sentences(b"").unwrap_err(),
        pereira::SENTENCES,
    );
}

#[test]
fn natural_stories_words_must_match_the_story_text() {
    let words = "story,zone,word,mean_rt_ms,sd_rt_ms,gmean_rt_ms,gsd_rt_factor,n_subjects\n\
                 1,1,If,369.0,160.5,340.5,1.49,84\n1,2,you,368.1,168.0,339.7,1.47,87\n";
    let s = NaturalStories::parse(words.as_bytes(), "If you\n".as_bytes()).unwrap();
    assert_eq!((s.words.len(), s.n_stories()), (2, 1));
    // Unicode and RTL text pass through untouched.
    let odd = words.replace("you", "یو😀");
    assert!(NaturalStories::parse(odd.as_bytes(), "If یو😀\n".as_bytes()).is_ok());
    let err = NaturalStories::parse(words.as_bytes(), "If they\n".as_bytes()).unwrap_err();
    assert_malformed(err, "futrell2018_naturalstories/words.csv");
    let err = NaturalStories::parse(words.as_bytes(), "If you go\n".as_bytes()).unwrap_err();
    assert_malformed(err, "futrell2018_naturalstories/words.csv");
}

#[test]
fn localizer_trials_need_twelve_words() {
    let head = "run,set,position,block,condition,trial,stimulus\n";
    let ok = format!("{head}1,1,1,1,sentence,1,{}\n", ["W"; 12].join(" "));
    assert_eq!(
        fedorenko::parse_stimuli(ok.as_bytes()).unwrap()[0]
            .words()
            .len(),
        12
    );
    let short = format!("{head}1,1,1,1,nonwords,1,A B C\n");
    assert_malformed(
        fedorenko::parse_stimuli(short.as_bytes()).unwrap_err(),
        fedorenko::STIMULI,
    );
    let bad_condition = format!("{head}1,1,1,1,pictures,1,{}\n", ["W"; 12].join(" "));
    assert_malformed(
        fedorenko::parse_stimuli(bad_condition.as_bytes()).unwrap_err(),
        fedorenko::STIMULI,
    );
}

#[test]
fn occlusion_trials_use_only_the_first_nbubbles_centres() {
    let head = "trial,pres,soa,nbubbles,reaction_times,response_category,correct,truth,masked,subject,visibility_pct,truth_name,\
                bubble_center_1,bubble_center_2,bubble_center_3,bubble_center_4,bubble_center_5,bubble_center_6,bubble_center_7,bubble_center_8,bubble_center_9,bubble_center_10\n";
    let row = "1,241,0.05,2,1.2,4,0,5,0,152,7.5,vehicles,1,258,65534,3,3,3,3,3,3,3\n";
    let trials = tang::parse_trials(format!("{head}{row}").as_bytes()).unwrap();
    // MATLAB column-major, 1-based: 1 -> (0, 0); 258 -> row 1, col 1.
    assert_eq!(trials[0].bubbles, vec![(0, 0), (1, 1)]);
    let outside = row.replace(",1,258,", ",1,70000,");
    assert_malformed(
        tang::parse_trials(format!("{head}{outside}").as_bytes()).unwrap_err(),
        tang::TRIALS,
    );
    let no_bubbles = row.replacen(",2,1.2,", ",0,1.2,", 1);
    assert_malformed(
        tang::parse_trials(format!("{head}{no_bubbles}").as_bytes()).unwrap_err(),
        tang::TRIALS,
    );
}
