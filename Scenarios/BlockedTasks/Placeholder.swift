import LeakLabKit
