package exam

import (
	"context"
)

// Offer is what a viewer may start from their dashboard: exams and practices, each
// blueprint listed once.
type Offer struct {
	Exams    []Blueprint
	Practice []Blueprint
}

// Offered lists the blueprints of the viewer's center that the bank can fill now and that
// are not retired. A
// candidate's exam that is assigned to one of their cohorts is left out: it is started
// through its assignment, listed with the assignments, and would otherwise show twice.
func (s *Service) Offered(ctx context.Context, v Viewer) (Offer, error) {
	bps, err := s.Blueprints(ctx, v.CenterID)
	if err != nil {
		return Offer{}, err
	}
	unfillable, err := s.unfillable(ctx, v.CenterID, bps)
	if err != nil {
		return Offer{}, err
	}
	assigned := map[string]bool{}
	if !v.Staff {
		cohorts, err := s.cohortsOf(ctx, v.UserID)
		if err != nil {
			return Offer{}, err
		}
		if len(cohorts) > 0 {
			rows, err := s.store.cohortAssignments(ctx, v.CenterID, cohorts)
			if err != nil {
				return Offer{}, err
			}
			for _, r := range rows {
				assigned[r.Blueprint] = true
			}
		}
	}
	var o Offer
	for _, bp := range bps {
		switch {
		case unfillable[bp.Code] != nil, bp.Retired:
		case bp.Mode == ModePractice:
			o.Practice = append(o.Practice, bp)
		case !assigned[bp.Code]:
			o.Exams = append(o.Exams, bp)
		}
	}
	return o, nil
}
