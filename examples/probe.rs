use cocreate::model::{Simulation, config::*, rng};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut config = Config {
        firms: vec![Firm::default()],
        ..Config::default()
    };
    let preset = args.get(1).map(String::as_str).unwrap_or("base");
    let firm = &mut config.firms[0];
    let (p, s) = (&mut firm.policy, &mut firm.staff);
    match preset {
        "good" => {
            p.incentive = 0.6;
            p.feedback_solicitation = 0.8;
            p.act_on_feedback = 0.7;
            p.recognition = 0.7;
            p.surprise_delight = 0.3;
            p.service_recovery = 0.85;
            p.complaint_outlets = 0.8;
            p.tech_reliability = 0.98;
            p.training = 0.7;
            p.defensiveness = 0.03;
            s.helpfulness = 0.8;
            s.empathy = 0.8;
            s.politeness = 0.8;
            s.responsiveness = 0.8;
            s.rudeness = 0.04;
            s.indifference = 0.05;
        }
        "bad" => {
            p.incentive = 0.05;
            p.feedback_solicitation = 0.1;
            p.act_on_feedback = 0.05;
            p.recognition = 0.05;
            p.surprise_delight = 0.0;
            p.service_recovery = 0.1;
            p.complaint_outlets = 0.2;
            p.tech_reliability = 0.8;
            p.training = 0.05;
            p.defensiveness = 0.5;
            s.helpfulness = 0.4;
            s.empathy = 0.35;
            s.politeness = 0.4;
            s.responsiveness = 0.35;
            s.rudeness = 0.25;
            s.indifference = 0.3;
            p.staffing = 3.0;
        }
        _ => {}
    }
    let reps: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    for rep in 0..reps {
        let valid = config.clone().validate().unwrap();
        let mut sim = Simulation::new(&valid, rng::replication_seed(42, rep));
        let mut out = Vec::new();
        let (mut pos, mut neg, mut churn, mut act, mut cc, mut cd) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let t0 = std::time::Instant::now();
        for t in 1..=260 {
            sim.step(&mut out);
            let f = &out[0];
            pos += f.wom_positive;
            neg += f.wom_negative;
            churn += f.churned;
            act += f.active_customers as f64;
            if t > 208 {
                cc += f.cocreated_value;
                cd += f.codestroyed_value;
            }
            if reps == 1 && (t % 26 == 0 || t == 1) {
                println!(
                    "t={t:3} act={} part={:.3} emp={:.2} se={:.2} sat={:.2} loy={:.2} grv={:.3} fv={:.2} ev={:.2} sv={:.2} cc={:.0} cd={:.0} w+={} w-={} cmp={} rec={} rev={} ch={} acq={} mor={:.2} q={:.2} rep={:.2} prof={:.0}",
                    f.active_customers,
                    f.participation_rate,
                    f.empowerment,
                    f.self_efficacy,
                    f.satisfaction,
                    f.loyalty,
                    f.grievance,
                    f.functional_value,
                    f.emotional_value,
                    f.social_value,
                    f.cocreated_value,
                    f.codestroyed_value,
                    f.wom_positive,
                    f.wom_negative,
                    f.complaints,
                    f.recoveries,
                    f.revenge_acts,
                    f.churned,
                    f.acquired,
                    f.employee_morale,
                    f.product_quality,
                    f.reputation,
                    f.profit
                );
            }
        }
        let el = t0.elapsed().as_secs_f64();
        let mut contrib: Vec<f32> = sim
            .customers()
            .iter()
            .filter(|c| c.is_active())
            .map(|c| c.contributions)
            .collect();
        contrib.sort_by(|a, b| b.total_cmp(a));
        let total: f32 = contrib.iter().sum();
        let top: f32 = contrib[..contrib.len().div_ceil(100)].iter().sum();
        let median = contrib[contrib.len() / 2];
        let weekly_churn = churn / act;
        println!(
            "rep {rep}: wom ratio {:.2}  monthly churn {:.2}%  top1 {:.3}  median contrib {:.1}  cc/(cc+cd) last yr {:.2}  final loyalty {:.2} act {}  {:.1} Mct/s",
            pos / neg.max(1.0),
            100.0 * (1.0 - (1.0 - weekly_churn).powf(52.0 / 12.0)),
            top / total,
            median,
            cc / (cc + cd),
            out[0].loyalty,
            out[0].active_customers,
            2.6 / el
        );
    }
}
