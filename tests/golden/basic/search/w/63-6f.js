SITEGEN_SEARCH_CHUNK("w/63-6f",{"collects":"2.1","compares":"0","computed":"3","corpora":"3","corpus":"3","correlates":"3","could":"0"});
