package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"concord/internal/auth"
	"concord/internal/store"
)

func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("usage: concord user create|list|set-role|disable|enable|reset-password|token [flags]")
	}
	var email, password, role, name string
	cfg, fs, err := parse("user "+args[0], args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the user's e-mail")
		fs.StringVar(&password, "password", "", "the new user's password (at least 8 characters)")
		fs.StringVar(&role, "role", "", "admin, manager or annotator")
		fs.StringVar(&name, "name", "", "the new user's display name")
	})
	if err != nil {
		return helpOK(err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %s", joinArgs(fs.Args()))
	}
	need := func(flags ...string) error {
		for _, f := range flags {
			if v := fs.Lookup(f).Value.String(); v == "" {
				return usagef("concord user %s needs --%s", args[0], f)
			}
		}
		if role != "" && !auth.IsRole(role) {
			return usagef("--role must be admin, manager or annotator, not %q", role)
		}
		return nil
	}
	var run func(*store.Store) error
	switch args[0] {
	case "create":
		if err := need("email", "password", "role"); err != nil {
			return err
		}
		run = func(st *store.Store) error {
			hash, err := auth.HashPassword(password)
			if err != nil {
				return err
			}
			u, err := st.CreateUser(ctx, email, name, hash, role)
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("a user with the e-mail %s already exists", email)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "created user %d %s (%s)\n", u.ID, u.Email, u.Role)
			return nil
		}
	case "list":
		run = func(st *store.Store) error {
			us, err := st.Users(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tE-MAIL\tROLE\tNAME\tDISABLED")
			for _, u := range us {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%v\n", u.ID, u.Email, u.Role, u.Name, u.DisabledAt != nil)
			}
			return tw.Flush()
		}
	case "set-role":
		if err := need("email", "role"); err != nil {
			return err
		}
		run = func(st *store.Store) error {
			u, err := userByEmail(ctx, st, email)
			if err != nil {
				return err
			}
			if err := st.SetUserRole(ctx, u.ID, role); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s is now %s\n", u.Email, role)
			return nil
		}
	case "disable", "enable":
		if err := need("email"); err != nil {
			return err
		}
		run = func(st *store.Store) error {
			u, err := userByEmail(ctx, st, email)
			if err != nil {
				return err
			}
			if err := st.SetUserDisabled(ctx, u.ID, args[0] == "disable"); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s %sd\n", u.Email, args[0])
			return nil
		}
	case "reset-password":
		if err := need("email", "password"); err != nil {
			return err
		}
		run = func(st *store.Store) error {
			u, err := userByEmail(ctx, st, email)
			if err != nil {
				return err
			}
			hash, err := auth.HashPassword(password)
			if err != nil {
				return err
			}
			if err := st.SetUserPassword(ctx, u.ID, hash); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s's password was reset\n", u.Email)
			return nil
		}
	case "token":
		if err := need("email"); err != nil {
			return err
		}
		run = func(st *store.Store) error {
			u, err := userByEmail(ctx, st, email)
			if err != nil {
				return err
			}
			key, hash, prefix := auth.NewToken()
			if _, err := st.CreateToken(ctx, u.ID, hash, prefix); err != nil {
				return err
			}
			fmt.Fprintln(stdout, key)
			return nil
		}
	default:
		return usagef("unknown user command %q: want create, list, set-role, disable, enable, reset-password or token", args[0])
	}
	db, err := openDatabase(ctx, cfg, false, quiet(cfg))
	if err != nil {
		return err
	}
	defer db.close()
	return run(db.store)
}

func userByEmail(ctx context.Context, st *store.Store, email string) (store.User, error) {
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("no user has the e-mail %s", email)
	}
	return u, err
}
